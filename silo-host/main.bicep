// OrleansMail on Azure: a storage account (bodies, index, manifests in Blob; cluster membership in Table) and the
// silo host as a scalable container app in a VNet (TCP ingress for IMAP, LMTP reachable inside the VNet only).
//   az deployment group create -g mail -f silo-host/main.bicep -p image=myregistry.azurecr.io/orleansmail:1.0
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

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
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
  parent: environment
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

resource silo 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-silo'
  location: location
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      secrets: [ { name: 'storage', value: connectionString } ]
      ingress: {
        external: true
        transport: 'tcp'
        targetPort: 1143
        exposedPort: 143
        additionalPortMappings: [
          { external: false, targetPort: 2424, exposedPort: 2424 }
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
            { name: 'OrleansMail__Imap__Endpoint', value: '0.0.0.0:1143' }
            { name: 'OrleansMail__Lmtp__Endpoint', value: '0.0.0.0:2424' }
            { name: 'OrleansMail__Accounts__PasswdFile', value: '/accounts/users.passwd' }
          ]
          volumeMounts: [
            { volumeName: 'data', mountPath: '/data' }
            { volumeName: 'accounts', mountPath: '/accounts' }
          ]
        }
      ]
      volumes: [
        { name: 'data', storageType: 'EmptyDir' }
        { name: 'accounts', storageType: 'AzureFile', storageName: accountsStorage.name }
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

output imapEndpoint string = '${silo.properties.configuration.ingress.fqdn}:143'
output storageAccount string = storage.name
