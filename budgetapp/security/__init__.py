"""Security administration on app pages: accounts (安全管理员 and a city's federation for its
units) and the audit log (审计管理员). The Django admin is for the 系统管理员 and deployment."""
