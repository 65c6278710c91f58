"""The reference the cached pages are held to: a one-view Django project with no middleware
and no apps, served by the same gunicorn command and configuration as the app, in the same run
(bench/run.py). What the app's cheapest page costs above this is the price of its middleware,
its page cache's generation read and its headers."""
