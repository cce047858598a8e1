"""A firm admin's own settings for listening: sources (mailboxes, review listings, the web form
and its embed snippet) and survey campaigns with their policy. Mounted at /settings/listening/.
Django admin stays for operators; nothing here exposes internal periodic jobs."""
