import { DATA_PORTS, describePorts, portExposureFindings, portReferences, type ServicePort } from './common';
import type { RuleDefinition } from './types';

/** cfn_nag W2 covers any world-open ingress; Prowler has one check per service. */
const BASE = ['W2'];

export const EL003: RuleDefinition = {
  id: 'EL003',
  title: 'Database, cache, search or queue port open to the internet',
  severity: 'high',
  rationale:
    'Databases (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Cassandra), caches (Redis, Memcached), search (Elasticsearch, Kibana) and queues (Kafka) are not built to face the internet; exposed ones are routinely wiped, ransomed or used for amplification.',
  remediation:
    'Allow the port only from the application tier: reference its security group (source_security_group_id / SourceSecurityGroupId) instead of a CIDR.',
  references: portReferences(BASE, DATA_PORTS),
  examples: {
    terraform: {
      bad: `resource "aws_security_group" "db" {
  description = "Database"
}

resource "aws_vpc_security_group_ingress_rule" "pg" {
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "0.0.0.0/0"
}`,
      good: `resource "aws_security_group" "db" {
  description = "Database"
}

resource "aws_vpc_security_group_ingress_rule" "pg" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the app tier"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.app.id
}`,
    },
    cloudformation: {
      bad: `Resources:
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Database
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 6379
          ToPort: 6379
          CidrIp: 0.0.0.0/0
          Description: Redis
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
`,
      good: `Resources:
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Database
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 6379
          ToPort: 6379
          SourceSecurityGroupId: !GetAtt App.GroupId
          Description: Redis from the app tier
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
`,
    },
  },
  check(model) {
    const named = (ports: ServicePort[]): string => (ports.length > 4 ? `${describePorts(ports.slice(0, 4))} and ${ports.length - 4} more` : describePorts(ports));
    return portExposureFindings(model.rules, DATA_PORTS, BASE, named, "Allow it only from the application's security group.");
  },
};
