"""
ASGI config for budgetapp project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

from budgetapp.core import process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetapp.settings")
# A web process prints at most one table at a time, in itself (budgetapp/core/process.py).
process.set_role(process.WEB)

application = get_asgi_application()
