// OrleansMail on Azure: a storage account (bodies, index, manifests in Blob; cluster membership in Table) and the
// silo host as a scalable container app in a VNet.
//   az deployment group create -g mail -f silo-host/main.bicep -p image=myregistry.azurecr.io/orleansmail:1.0 keyVaultName=mail-kv
// Locked down by default:
//   - IMAP is reachable from the internet only as implicit TLS on 993 (RFC 8314); the plaintext listener is off and
//     login without TLS is refused anyway (RequireTlsForLogin). The certificate and key (PEM) come from Key Vault.
//   - ManageSieve (4190) faces the internet for clients' filter editors; it takes a password from a non-loopback
//     client only after STARTTLS, on the same certificate.
//   - LMTP (2424) is reachable only inside the Container Apps environment, for the MTA deployed beside it; LMTP has
//     no authentication, exactly as Dovecot's LMTP behind Postfix.
//   - The Orleans silo and gateway ports have no ingress at all; replicas reach each other inside the VNet, with
//     mutual TLS on the cluster certificate from Key Vault (the admin CLI needs it too: --cluster-cert/--cluster-key).
// The local index cache lives on the replica's own disk (EmptyDir): Container Apps has no per-replica persistent
// volume, so a replica that dies loses only the flag changes and expunges it made since its last checkpoint
// (30 s by default); messages acknowledged over LMTP or APPEND are never lost.

@description('Where everything goes.')
param location string = resourceGroup().location

@description('Prefix of every resource name (3 to 11 lower-case letters or digits).')
@minLength(3)
@maxLength(11)
param name string = 'orleansmail'

@description('The silo host image, built from silo-host/Dockerfile.')
param image string

@description('Fewest and most silos.')
param minReplicas int = 2
param maxReplicas int = 6

@description('A Key Vault in this resource group holding the PEM secrets named below.')
param keyVaultName string

@description('Key Vault secret: the IMAP server certificate chain (PEM).')
param imapCertificateEntry string = 'imap-certificate'

@description('Key Vault secret: the IMAP server key (PEM).')
param imapPrivatePemEntry string = 'imap-key'

@description('Key Vault secret: the cluster certificate every silo and the admin CLI present (PEM).')
param clusterCertificateEntry string = 'cluster-certificate'

@description('Key Vault secret: the cluster certificate key (PEM).')
param clusterPrivatePemEntry string = 'cluster-key'

@description('Bodies older than this (and at least 128 KiB) move to the Cool access tier, once: old mail is rarely read again. Empty keeps every body Hot.')
param coolAfter string = '30.00:00:00'

@description('IMAP connections per replica before another replica is added.')
param connectionsPerReplica int = 2000

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: '${name}${uniqueString(resourceGroup().id)}'
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource mailContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'orleansmail'
}

resource manifestContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'orleansmail-manifests'
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// The passwd-file every replica reads (Dovecot format); edit it with the admin CLI from any machine that mounts the share.
resource accountsShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileService
  name: 'accounts'
  properties: { shareQuota: 1 }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource network 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: '${name}-vnet'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [ '10.40.0.0/16' ] }
    subnets: [
      {
        name: 'apps'
        properties: {
          addressPrefix: '10.40.0.0/23'
          delegations: [ { name: 'apps', properties: { serviceName: 'Microsoft.App/environments' } } ]
        }
      }
    ]
  }
}

resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    vnetConfiguration: {
      infrastructureSubnetId: network.properties.subnets[0].id
      internal: false
    }
    workloadProfiles: [ { name: 'Consumption', workloadProfileType: 'Consumption' } ]
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource accountsStorage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: appEnvironment
  name: 'accounts'
  properties: {
    azureFile: {
      accountName: storage.name
      accountKey: storage.listKeys().keys[0].value
      shareName: accountsShare.name
      accessMode: 'ReadWrite'
    }
  }
}

var connectionString = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// The silo reads its certificates from Key Vault under its own identity, never from the template's parameters.
resource siloIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-silo'
  location: location
}

var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource vaultAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, siloIdentity.id, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: keyVaultSecretsUser
    principalId: siloIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource silo 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-silo'
  location: location
  dependsOn: [ vaultAccess ]
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${siloIdentity.id}': {} }
  }
  properties: {
    environmentId: appEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      secrets: [
        { name: 'storage', value: connectionString }
        { name: 'imap-cert', keyVaultUrl: '${vault.properties.vaultUri}secrets/${imapCertificateEntry}', identity: siloIdentity.id }
        { name: 'imap-key', keyVaultUrl: '${vault.properties.vaultUri}secrets/${imapPrivatePemEntry}', identity: siloIdentity.id }
        { name: 'cluster-cert', keyVaultUrl: '${vault.properties.vaultUri}secrets/${clusterCertificateEntry}', identity: siloIdentity.id }
        { name: 'cluster-key', keyVaultUrl: '${vault.properties.vaultUri}secrets/${clusterPrivatePemEntry}', identity: siloIdentity.id }
      ]
      ingress: {
        // Only IMAP over TLS and ManageSieve (STARTTLS before any password) face the internet.
        external: true
        transport: 'tcp'
        targetPort: 1993
        exposedPort: 993
        additionalPortMappings: [
          // LMTP, for the MTA inside this environment only.
          { external: false, targetPort: 2424, exposedPort: 2424 }
          // ManageSieve (RFC 5804) for mail clients' filter editors: it takes no password before STARTTLS from
          // anywhere but loopback, and the ingress is never loopback.
          { external: true, targetPort: 4190, exposedPort: 4190 }
        ]
      }
    }
    template: {
      containers: [
        {
          name: 'silo'
          image: image
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            { name: 'OrleansMail__Storage__Provider', value: 'AzureBlob' }
            { name: 'OrleansMail__Storage__ConnectionString', secretRef: 'storage' }
            { name: 'OrleansMail__Storage__Container', value: 'orleansmail' }
            { name: 'OrleansMail__Clustering__Provider', value: 'AzureTable' }
            { name: 'OrleansMail__Clustering__ClusterId', value: name }
            { name: 'OrleansMail__Clustering__ServiceId', value: name }
            { name: 'OrleansMail__Clustering__AdvertisedAddress', value: 'auto' }
            { name: 'OrleansMail__Clustering__CertificatePath', value: '/secrets/cluster.pem' }
            { name: 'OrleansMail__Clustering__KeyPath', value: '/secrets/cluster.key' }
            { name: 'OrleansMail__Imap__Endpoint', value: '' }
            { name: 'OrleansMail__Imap__TlsEndpoint', value: '0.0.0.0:1993' }
            { name: 'OrleansMail__Imap__RequireTlsForLogin', value: 'true' }
            { name: 'OrleansMail__Tls__CertificatePath', value: '/secrets/imap.pem' }
            { name: 'OrleansMail__Tls__KeyPath', value: '/secrets/imap.key' }
            { name: 'OrleansMail__Lmtp__Endpoint', value: '0.0.0.0:2424' }
            { name: 'OrleansMail__ManageSieve__Endpoint', value: '0.0.0.0:4190' }
            { name: 'OrleansMail__Accounts__PasswdFile', value: '/accounts/users.passwd' }
            { name: 'OrleansMail__Store__CoolAfter', value: empty(coolAfter) ? '00:00:00' : coolAfter }
            // Probes and the Prometheus scrape; no ingress maps this port.
            { name: 'OrleansMail__Http__Endpoint', value: '0.0.0.0:8080' }
          ]
          probes: [
            // Liveness: the process answers. Readiness: the silo is an active cluster member, so users can be placed here.
            { type: 'Liveness', httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 }
            { type: 'Readiness', httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, failureThreshold: 3 }
            { type: 'Startup', httpGet: { path: '/ready', port: 8080 }, periodSeconds: 2, failureThreshold: 60 }
          ]
          volumeMounts: [
            { volumeName: 'data', mountPath: '/data' }
            { volumeName: 'accounts', mountPath: '/accounts' }
            { volumeName: 'secrets', mountPath: '/secrets' }
          ]
        }
      ]
      volumes: [
        { name: 'data', storageType: 'EmptyDir' }
        { name: 'accounts', storageType: 'AzureFile', storageName: accountsStorage.name }
        {
          name: 'secrets'
          storageType: 'Secret'
          secrets: [
            { secretRef: 'imap-cert', path: 'imap.pem' }
            { secretRef: 'imap-key', path: 'imap.key' }
            { secretRef: 'cluster-cert', path: 'cluster.pem' }
            { secretRef: 'cluster-key', path: 'cluster.key' }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'connections'
            tcp: { metadata: { concurrentConnections: string(connectionsPerReplica) } }
          }
        ]
      }
    }
  }
}

output imapEndpoint string = '${silo.properties.configuration.ingress.fqdn}:993'
output storageAccount string = storage.name
