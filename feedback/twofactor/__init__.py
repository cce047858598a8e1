"""Two-factor sign-in of staff (django-otp): an authenticator app (TOTP) with one-time recovery
codes, asked for after the password; a firm can require it of every member."""
