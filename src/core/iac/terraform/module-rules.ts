/**
 * Named rules of the `terraform-aws-modules/security-group/aws` module (our own table of the
 * commonly used ones: name → ports, protocol, description) and its preset submodules
 * (`//modules/ssh` etc.), which add their named rule for `ingress_cidr_blocks`.
 */

export interface NamedRule {
  from: number;
  to: number;
  protocol: string;
  description: string;
}

const r = (from: number, to: number, protocol: string, description: string): NamedRule => ({ from, to, protocol, description });

export const MODULE_NAMED_RULES: Record<string, NamedRule> = {
  'all-all': r(-1, -1, '-1', 'All protocols'),
  'all-tcp': r(0, 65535, 'tcp', 'All TCP ports'),
  'all-udp': r(0, 65535, 'udp', 'All UDP ports'),
  'all-icmp': r(-1, -1, 'icmp', 'All IPV4 ICMP'),
  'all-ipv6-icmp': r(-1, -1, '58', 'All IPV6 ICMP'),
  'ssh-tcp': r(22, 22, 'tcp', 'SSH'),
  'rdp-tcp': r(3389, 3389, 'tcp', 'Remote Desktop - TCP'),
  'rdp-udp': r(3389, 3389, 'udp', 'Remote Desktop - UDP'),
  'winrm-http-tcp': r(5985, 5985, 'tcp', 'WinRM HTTP'),
  'winrm-https-tcp': r(5986, 5986, 'tcp', 'WinRM HTTPS'),
  'http-80-tcp': r(80, 80, 'tcp', 'HTTP'),
  'http-8080-tcp': r(8080, 8080, 'tcp', 'HTTP'),
  'https-443-tcp': r(443, 443, 'tcp', 'HTTPS'),
  'https-8443-tcp': r(8443, 8443, 'tcp', 'HTTPS'),
  'dns-udp': r(53, 53, 'udp', 'DNS'),
  'dns-tcp': r(53, 53, 'tcp', 'DNS'),
  'ntp-udp': r(123, 123, 'udp', 'NTP'),
  'smtp-tcp': r(25, 25, 'tcp', 'SMTP'),
  'smtp-submission-587-tcp': r(587, 587, 'tcp', 'SMTP Submission'),
  'smtps-465-tcp': r(465, 465, 'tcp', 'SMTPS'),
  'ldap-tcp': r(389, 389, 'tcp', 'LDAP'),
  'ldaps-tcp': r(636, 636, 'tcp', 'LDAPS'),
  'nfs-tcp': r(2049, 2049, 'tcp', 'NFS/EFS'),
  'mysql-tcp': r(3306, 3306, 'tcp', 'MySQL/Aurora'),
  'postgresql-tcp': r(5432, 5432, 'tcp', 'PostgreSQL'),
  'mssql-tcp': r(1433, 1433, 'tcp', 'MSSQL Server'),
  'mssql-udp': r(1434, 1434, 'udp', 'MSSQL Browser'),
  'oracle-db-tcp': r(1521, 1521, 'tcp', 'Oracle'),
  'redis-tcp': r(6379, 6379, 'tcp', 'Redis'),
  'memcached-tcp': r(11211, 11211, 'tcp', 'Memcached'),
  'mongodb-27017-tcp': r(27017, 27017, 'tcp', 'MongoDB'),
  'mongodb-27018-tcp': r(27018, 27018, 'tcp', 'MongoDB shard'),
  'mongodb-27019-tcp': r(27019, 27019, 'tcp', 'MongoDB config server'),
  'cassandra-clients-tcp': r(9042, 9042, 'tcp', 'Cassandra clients'),
  'cassandra-thrift-clients-tcp': r(9160, 9160, 'tcp', 'Cassandra Thrift clients'),
  'cassandra-jmx-tcp': r(7199, 7199, 'tcp', 'JMX'),
  'elasticsearch-rest-tcp': r(9200, 9200, 'tcp', 'Elasticsearch REST interface'),
  'elasticsearch-java-tcp': r(9300, 9300, 'tcp', 'Elasticsearch Java interface'),
  'kibana-tcp': r(5601, 5601, 'tcp', 'Kibana Web Interface'),
  'kafka-broker-tcp': r(9092, 9092, 'tcp', 'Kafka PLAINTEXT enrypted broker'),
  'kafka-broker-tls-tcp': r(9094, 9094, 'tcp', 'Kafka TLS enrypted broker'),
  'zookeeper-2181-tcp': r(2181, 2181, 'tcp', 'Zookeeper'),
  'rabbitmq-5672-tcp': r(5672, 5672, 'tcp', 'RabbitMQ'),
  'rabbitmq-15672-tcp': r(15672, 15672, 'tcp', 'RabbitMQ'),
  'activemq-61617-tcp': r(61617, 61617, 'tcp', 'ActiveMQ'),
  'grafana-tcp': r(3000, 3000, 'tcp', 'Grafana Dashboard'),
  'prometheus-http-tcp': r(9090, 9090, 'tcp', 'Prometheus'),
  'consul-tcp': r(8300, 8300, 'tcp', 'Consul server'),
  'docker-swarm-mngmt-tcp': r(2377, 2377, 'tcp', 'Docker Swarm cluster management'),
  'etcd-client-tcp': r(2379, 2379, 'tcp', 'Etcd Client'),
  'nomad-http-tcp': r(4646, 4646, 'tcp', 'Nomad HTTP'),
  'splunk-indexer-tcp': r(9997, 9997, 'tcp', 'Splunk indexer'),
  'vault-tcp': r(8200, 8200, 'tcp', 'Vault'),
  'openvpn-udp': r(1194, 1194, 'udp', 'OpenVPN'),
  'ipsec-500-udp': r(500, 500, 'udp', 'IPSEC ISAKMP'),
  'ipsec-4500-udp': r(4500, 4500, 'udp', 'IPSEC NAT-T'),
};

/** Preset submodules (`terraform-aws-modules/security-group/aws//modules/<name>`): their auto ingress rules. */
export const MODULE_PRESETS: Record<string, string[]> = {
  ssh: ['ssh-tcp'],
  rdp: ['rdp-tcp', 'rdp-udp'],
  'http-80': ['http-80-tcp'],
  'http-8080': ['http-8080-tcp'],
  'https-443': ['https-443-tcp'],
  'https-8443': ['https-8443-tcp'],
  mysql: ['mysql-tcp'],
  postgresql: ['postgresql-tcp'],
  mssql: ['mssql-tcp', 'mssql-udp'],
  oracle: ['oracle-db-tcp'],
  redis: ['redis-tcp'],
  memcached: ['memcached-tcp'],
  mongodb: ['mongodb-27017-tcp', 'mongodb-27018-tcp', 'mongodb-27019-tcp'],
  elasticsearch: ['elasticsearch-rest-tcp', 'elasticsearch-java-tcp'],
  kafka: ['kafka-broker-tcp', 'kafka-broker-tls-tcp'],
  rabbitmq: ['rabbitmq-5672-tcp', 'rabbitmq-15672-tcp'],
  cassandra: ['cassandra-clients-tcp', 'cassandra-thrift-clients-tcp', 'cassandra-jmx-tcp'],
  grafana: ['grafana-tcp'],
  prometheus: ['prometheus-http-tcp'],
  kibana: ['kibana-tcp'],
  ldap: ['ldap-tcp'],
  ldaps: ['ldaps-tcp'],
  nfs: ['nfs-tcp'],
  winrm: ['winrm-http-tcp', 'winrm-https-tcp'],
  zookeeper: ['zookeeper-2181-tcp'],
  vault: ['vault-tcp'],
  openvpn: ['openvpn-udp'],
};

const SOURCE_RE = /^(?:registry\.terraform\.io\/)?terraform-aws-modules\/security-group\/aws(?:\/\/modules\/([\w-]+))?$|^(?:git::)?(?:https:\/\/)?github\.com\/terraform-aws-modules\/terraform-aws-security-group(?:\.git)?(?:\/\/modules\/([\w-]+))?(?:\?.*)?$/;

/** Recognises the module's `source`; returns the preset submodule name ('' for the main module) or null. */
export function securityGroupModulePreset(source: string): string | null {
  const m = SOURCE_RE.exec(source.trim());
  if (!m) return null;
  return m[1] ?? m[2] ?? '';
}
