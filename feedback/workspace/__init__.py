"""The firm's own settings pages (mounted at /settings/): brand promises, touchpoints, clients
and their people, members and roles, notification channels. Firm admins edit, analysts read;
Django admin stays for operators."""
