package graphql_test

// The SDK's documents, byte for byte as each era sends them
// (/work/shared/wandb-graphql.md). E2 (v0.24-v0.27.0) sends the generated
// operations re-printed by graphql-core; E3 (v0.27.1+) sends them as
// generated, through wandb-core. E1 (<= v0.23) re-prints its inline
// documents.

// E3: the generated operations, leading newline included.
const (
	e3CreateUser = `
mutation CreateUserFromAdmin($email: String!, $admin: Boolean) {
  result: createUser(input: {email: $email, admin: $admin}) {
    user {
      ...UserInfoFragment
    }
  }
}

fragment UserInfoFragment on User {
  id
  name
  username
  email
  admin
}
`
	userFragments = `
fragment ApiKeyFragment on ApiKey {
  id
  name
  description
}

fragment UserFragment on User {
  id
  name
  username
  email
  admin
  flags
  entity
  deletedAt
  apiKeys {
    edges {
      node {
        ...ApiKeyFragment
      }
    }
  }
  teams {
    edges {
      node {
        name
      }
    }
  }
}
`
	e3SearchUsers = `
query SearchUsers($query: String) {
  users(query: $query) {
    edges {
      node {
        ...UserFragment
      }
    }
  }
}
` + userFragments
	e3GetViewer = `
query GetViewer {
  viewer {
    ...UserFragment
  }
}
` + userFragments
	e3GetDefaultEntity = `
query GetDefaultEntity {
  viewer {
    id
    entity
  }
}
`
	e3GetTeamEntity = `
query GetTeamEntity($name: String!) {
  entity(name: $name) {
    id
    name
    available
    photoUrl
    readOnly
    readOnlyAdmin
    isTeam
    entityType
    privateOnly
    storageBytes
    codeSavingEnabled
    defaultAccess
    isPaid
    members {
      id
      admin
      pending
      email
      username
      name
      photoUrl
      accountType
      apiKey
    }
  }
}
`
	e3CreateTeam = `
mutation CreateTeam($teamName: String!, $teamAdminUserName: String) {
  result: createTeam(
    input: {teamName: $teamName, teamAdminUserName: $teamAdminUserName}
  ) {
    entity {
      id
      name
      available
      photoUrl
      limits
    }
  }
}
`
	e3CreateInvite = `
mutation CreateInvite($entity: String!, $email: String, $username: String, $admin: Boolean) {
  result: createInvite(
    input: {entityName: $entity, email: $email, username: $username, admin: $admin}
  ) {
    invite {
      id
      name
      email
      createdAt
      toUser {
        name
      }
    }
  }
}
`
	e3DeleteInvite = `
mutation DeleteInvite($id: String, $entity: String) {
  result: deleteInvite(input: {id: $id, entityName: $entity}) {
    success
  }
}
`
	e3CreateServiceAccount = `
mutation CreateServiceAccount($entity: String!, $description: String!) {
  result: createServiceAccount(
    input: {description: $description, entityName: $entity}
  ) {
    user {
      id
    }
  }
}
`
	e3DeleteAPIKey = `
mutation DeleteApiKey($id: String!) {
  result: deleteApiKey(input: {id: $id}) {
    success
  }
}
`
	e3GenerateAPIKey = `
mutation GenerateApiKey($description: String) {
  result: generateApiKey(input: {description: $description}) {
    apiKey {
      ...ApiKeyFragment
    }
  }
}

fragment ApiKeyFragment on ApiKey {
  id
  name
  description
}
`
	e3FetchOrgInfoFromEntity = `
query FetchOrgInfoFromEntity($entity: String!) {
  entity(name: $entity) {
    organization {
      ...OrgInfoFragment
    }
    user {
      organizations {
        ...OrgInfoFragment
      }
    }
  }
}

fragment OrgInfoFragment on Organization {
  name
  orgEntity {
    name
  }
}
`
	e3FetchOrganization = `
query FetchOrganization($org: String!) {
  organization(name: $org) {
    id
    name
    orgEntity {
      __typename
      id
      name
      entityType
    }
  }
}
`
	// coreViewer is wandb-core's login check (v0.28.2+), tab-indented,
	// sent with operationName "Viewer" and no variables.
	coreViewer = "query Viewer {\n\tviewer {\n\t\tid\n\t\tentity\n\t\tusername\n\t\temail\n\t\tflags\n\t\tteams {\n\t\t\tedges {\n\t\t\t\tnode {\n\t\t\t\t\tname\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n}\n"
)

// E2 re-prints the generated documents (graphql-core 1.1: 2-space indent,
// one trailing newline, no leading one, createTeam's input on one line).
const (
	e2CreateUser = "mutation CreateUserFromAdmin($email: String!, $admin: Boolean) {\n  result: createUser(input: {email: $email, admin: $admin}) {\n    user {\n      ...UserInfoFragment\n    }\n  }\n}\n\nfragment UserInfoFragment on User {\n  id\n  name\n  username\n  email\n  admin\n}\n"
	e2CreateTeam = "mutation CreateTeam($teamName: String!, $teamAdminUserName: String) {\n  result: createTeam(input: {teamName: $teamName, teamAdminUserName: $teamAdminUserName}) {\n    entity {\n      id\n      name\n      available\n      photoUrl\n      limits\n    }\n  }\n}\n"
	// The login check of every era up to v0.28.1: `query { viewer { id } }`
	// as graphql-core prints it.
	printedViewerID = "{\n  viewer {\n    id\n  }\n}\n"
)

// E1 (<= v0.23) inline documents as graphql-core prints them: no aliases,
// E1 variable names.
const (
	e1CreateUser     = "mutation CreateUserFromAdmin($email: String!, $admin: Boolean) {\n  createUser(input: {email: $email, admin: $admin}) {\n    user {\n      id\n      name\n      username\n      email\n      admin\n    }\n  }\n}\n"
	e1Viewer         = "query Viewer {\n  viewer {\n    id\n    flags\n    entity\n    username\n    email\n    admin\n    apiKeys {\n      edges {\n        node {\n          id\n          name\n          description\n        }\n      }\n    }\n    teams {\n      edges {\n        node {\n          name\n        }\n      }\n    }\n  }\n}\n"
	e1DefaultEntity  = "query Viewer {\n  viewer {\n    id\n    entity\n  }\n}\n"
	e1SearchUsers    = "query SearchUsers($query: String) {\n  users(query: $query) {\n    edges {\n      node {\n        id\n        flags\n        entity\n        admin\n        email\n        deletedAt\n        username\n        apiKeys {\n          edges {\n            node {\n              id\n              name\n              description\n            }\n          }\n        }\n        teams {\n          edges {\n            node {\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n}\n"
	e1CreateTeam     = "mutation CreateTeam($teamName: String!, $teamAdminUserName: String) {\n  createTeam(input: {teamName: $teamName, teamAdminUserName: $teamAdminUserName}) {\n    entity {\n      id\n      name\n      available\n      photoUrl\n      limits\n    }\n  }\n}\n"
	e1Entity         = "query Entity($name: String!) {\n  entity(name: $name) {\n    id\n    name\n    available\n    photoUrl\n    readOnly\n    readOnlyAdmin\n    isTeam\n    privateOnly\n    storageBytes\n    codeSavingEnabled\n    defaultAccess\n    isPaid\n    members {\n      id\n      admin\n      pending\n      email\n      username\n      name\n      photoUrl\n      accountType\n      apiKey\n    }\n  }\n}\n"
	e1CreateInvite   = "mutation CreateInvite($entityName: String!, $email: String, $username: String, $admin: Boolean) {\n  createInvite(input: {entityName: $entityName, email: $email, username: $username, admin: $admin}) {\n    invite {\n      id\n      name\n      email\n      createdAt\n      toUser {\n        name\n      }\n    }\n  }\n}\n"
	e1CreateSA       = "mutation CreateServiceAccount($entityName: String!, $description: String!) {\n  createServiceAccount(input: {description: $description, entityName: $entityName}) {\n    user {\n      id\n    }\n  }\n}\n"
	e1DeleteInvite   = "mutation DeleteInvite($id: String, $entityName: String) {\n  deleteInvite(input: {id: $id, entityName: $entityName}) {\n    success\n  }\n}\n"
	e1GenerateAPIKey = "mutation GenerateApiKey($description: String) {\n  generateApiKey(input: {description: $description}) {\n    apiKey {\n      id\n      name\n    }\n  }\n}\n"
	e1DeleteAPIKey   = "mutation DeleteApiKey($id: String!) {\n  deleteApiKey(input: {id: $id}) {\n    success\n  }\n}\n"
)

// E2 re-prints the generated documents whose input objects span lines
// onto one line.
const (
	e2CreateInvite = "mutation CreateInvite($entity: String!, $email: String, $username: String, $admin: Boolean) {\n  result: createInvite(input: {entityName: $entity, email: $email, username: $username, admin: $admin}) {\n    invite {\n      id\n      name\n      email\n      createdAt\n      toUser {\n        name\n      }\n    }\n  }\n}\n"
	e2CreateSA     = "mutation CreateServiceAccount($entity: String!, $description: String!) {\n  result: createServiceAccount(input: {description: $description, entityName: $entity}) {\n    user {\n      id\n    }\n  }\n}\n"
)

// Documents of a teams.py version (wandb/wandb 008ddc3e) with Team.delete
// and Member.delete(remove_from_org=True), as graphql-core prints them.
const (
	e1DeleteTeam        = "mutation DeleteTeam($teamName: String!) {\n  deleteTeam(input: {teamName: $teamName}) {\n    success\n  }\n}\n"
	e1TeamOrganization  = "query BasicTeamOrganization($entityName: String) {\n  entity(name: $entityName) {\n    organization {\n      id\n      name\n    }\n  }\n}\n"
	e1RemoveUserFromOrg = "mutation removeUserFromOrganization($userName: String!, $organizationId: ID!) {\n  removeUserFromOrganization(input: {userName: $userName, organizationId: $organizationId}) {\n    success\n  }\n}\n"
)
