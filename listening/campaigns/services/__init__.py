"""Writes for campaigns. Import from the submodules: invitations, sending, responses, optout,
launch."""
