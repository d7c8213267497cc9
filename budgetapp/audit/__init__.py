"""The security audit log (安全审计): `budgetapp.audit.log.record()` is the one way in."""
