"""Who may do what and who is who: roles and their permissions, the endpoint matrix, the
security manager, API tokens, passwords, sessions, the login limit, input hygiene."""
