import type { NetworkElement } from '../iac/model';
import { DEFAULT_REGION, resolvePrices } from '../pricing/prices';

const DEFAULT_NAT = resolvePrices(DEFAULT_REGION).prices.natGatewayPerGb;
import type { RawFinding, RuleDefinition } from './types';

export const EL009: RuleDefinition = {
  id: 'EL009',
  title: 'Private subnets reach S3 through a NAT gateway (no gateway endpoint)',
  severity: 'info',
  rationale:
    `Traffic from private subnets to S3 (and DynamoDB) that goes through a NAT gateway pays NAT data processing on every GB ($${DEFAULT_NAT}/GB in ${DEFAULT_REGION}, from the price data). A gateway endpoint for S3/DynamoDB carries the same traffic for free and keeps it off the internet path. Backups, logs and data pipelines make this one of the commonest surprise items on an AWS bill.`,
  remediation:
    'Add an aws_vpc_endpoint (vpc_endpoint_type = "Gateway", service_name = "com.amazonaws.<region>.s3", and one for dynamodb if used) attached to the private route tables (AWS::EC2::VPCEndpoint with RouteTableIds in CloudFormation).',
  references: [],
  examples: {
    terraform: {
      bad: `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_nat_gateway" "nat" {
  subnet_id = aws_subnet.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
}`,
      good: `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_nat_gateway" "nat" {
  subnet_id = aws_subnet.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}`,
    },
    cloudformation: {
      bad: `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
  PrivateRoutes:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRoutes
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
`,
      good: `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
  PrivateRoutes:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRoutes
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.\${AWS::Region}.s3
      RouteTableIds:
        - !Ref PrivateRoutes
`,
    },
  },
  check(model, ctx) {
    const out: RawFinding[] = [];
    const tables = new Map<string, NetworkElement>();
    for (const n of model.network) if (n.kind === 'route-table') tables.set(n.address, n);
    const nats = new Map<string, NetworkElement>();
    for (const n of model.network) if (n.kind === 'nat-gateway') nats.set(n.address, n);
    const natRoutes: { at: NetworkElement; table: string | null; nat: string }[] = [];
    for (const n of model.network) {
      if (n.kind === 'route' && n.natGateway) natRoutes.push({ at: n, table: n.routeTable ?? null, nat: n.natGateway });
      if (n.kind === 'route-table') for (const nat of n.natGateways ?? []) natRoutes.push({ at: n, table: n.address, nat });
    }
    if (!natRoutes.length) return out;
    const endpoints = model.network.filter((n) => n.kind === 'vpc-endpoint' && (n.endpointType ?? 'Gateway').toLowerCase() === 'gateway');
    const assoc = model.network.filter((n) => n.kind === 'route-table-association' && n.endpoint);
    const covers = (e: NetworkElement, table: string | null, vpc: string | null): boolean => {
      if (e.vpc && vpc && e.vpc !== vpc) return false;
      const attached = [...(e.routeTables ?? []), ...assoc.filter((a) => a.endpoint === e.address).map((a) => a.routeTable ?? '?')];
      return attached.includes('?') || table === null || attached.includes(table) || attached.some((t) => !tables.has(t) && !t.startsWith('rtb-'));
    };
    const gb = ctx.natPerGbUsd;
    for (const r of natRoutes) {
      const vpc = r.table ? (tables.get(r.table)?.vpc ?? null) : null;
      const has = (svc: string): boolean => endpoints.some((e) => e.service === svc && covers(e, r.table, vpc));
      if (has('s3')) continue;
      const missing = has('dynamodb') ? 'S3 gateway endpoint' : 'S3 or DynamoDB gateway endpoint';
      const natName = nats.has(r.nat) ? r.nat : `NAT gateway ${r.nat}`;
      const saving = ctx.gatewayEndpointPerGbUsd === 0 ? 'free' : `$${ctx.gatewayEndpointPerGbUsd}/GB`;
      out.push({
        message: `${r.table ?? r.at.address} sends private-subnet traffic through ${natName}, and no ${missing} is attached to that route table${vpc ? ` in ${vpc}` : ''}: every GB to S3 pays NAT processing ($${gb}/GB, about $${Math.round(gb * 1024)} per TB) instead of going ${saving} through a gateway endpoint.`,
        file: r.at.file,
        range: r.at.headerRange,
        resource: r.at.address,
        elementIds: [r.at.id, ...(nats.get(r.nat) ? [nats.get(r.nat)!.id] : [])],
      });
    }
    return out;
  },
};
