import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopir.settings")
application = get_wsgi_application()

# Loaded once and left out of the garbage collector's full runs: decision 14.
from kopir.core.warmup import freeze_after_warm_up  # noqa: E402

freeze_after_warm_up()
