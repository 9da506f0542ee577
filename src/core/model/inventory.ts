/**
 * The network inventory: what is deployed. The shapes are those of the EC2 API, which are also
 * what `aws ec2 describe-... --output json` prints, so the same types serve the offline files
 * (samples/demo/inventory) and the live fetch through @aws-sdk/client-ec2. Type-only imports:
 * the core gets no runtime dependency on the SDK from this file.
 */
import type {
  SecurityGroup,
  NetworkInterface,
  Subnet,
  Vpc,
  NatGateway,
  InternetGateway,
  VpcEndpoint,
  VpcPeeringConnection,
  TransitGatewayAttachment,
  ManagedPrefixList,
  Instance,
  RouteTable,
} from '@aws-sdk/client-ec2';

export type {
  SecurityGroup,
  NetworkInterface,
  Subnet,
  Vpc,
  NatGateway,
  InternetGateway,
  VpcEndpoint,
  VpcPeeringConnection,
  TransitGatewayAttachment,
  ManagedPrefixList,
  Instance,
  RouteTable,
};

export interface Inventory {
  /** Where it came from: 'files:<dir>' or 'aws:<profile>/<region>'. */
  source: string;
  /** ISO time the data was fetched or the files were read. */
  fetchedAt: string;
  region: string | null;
  accountId: string | null;
  securityGroups: SecurityGroup[];
  networkInterfaces: NetworkInterface[];
  subnets: Subnet[];
  vpcs: Vpc[];
  natGateways: NatGateway[];
  internetGateways: InternetGateway[];
  vpcEndpoints: VpcEndpoint[];
  vpcPeeringConnections: VpcPeeringConnection[];
  transitGatewayAttachments: TransitGatewayAttachment[];
  managedPrefixLists: ManagedPrefixList[];
  /** Entries of managed prefix lists, by prefix-list id (GetManagedPrefixListEntries). */
  prefixListEntries: Record<string, string[]>;
  instances: Instance[];
  /** Route tables (DescribeRouteTables), when known: subnet → NAT gateway / IGW / TGW / peering / endpoint routes. Optional. */
  routeTables?: RouteTable[];
}

export function emptyInventory(source: string): Inventory {
  return {
    source,
    fetchedAt: new Date().toISOString(),
    region: null,
    accountId: null,
    securityGroups: [],
    networkInterfaces: [],
    subnets: [],
    vpcs: [],
    natGateways: [],
    internetGateways: [],
    vpcEndpoints: [],
    vpcPeeringConnections: [],
    transitGatewayAttachments: [],
    managedPrefixLists: [],
    prefixListEntries: {},
    instances: [],
  };
}
