"""
WSGI config for budgetapp project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from budgetapp.core import process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetapp.settings")
# A web process prints at most one table at a time, in itself (budgetapp/core/process.py).
process.set_role(process.WEB)

application = get_wsgi_application()
