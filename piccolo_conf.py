"""Piccolo configuration: the database engine and the apps that own tables."""

from piccolo.conf.apps import AppRegistry

from server.database import make_engine
from server.settings import get_settings

DB = make_engine(get_settings().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "server.piccolo_app",
        "catalog.piccolo_app",
        "locations.piccolo_app",
        "fulfilment.piccolo_app",
        "payments.piccolo_app",
        "notifications.piccolo_app",
    ]
)
