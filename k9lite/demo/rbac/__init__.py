"""Role-based access control in the demo cluster: users, roles, bindings and the authorizer."""
