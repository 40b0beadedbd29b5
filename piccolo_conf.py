"""Piccolo configuration: the database engine and the apps that own tables."""

from piccolo.conf.apps import AppRegistry

from core.apps import PICCOLO_APPS
from core.database import make_engine
from core.settings import get_settings

DB = make_engine(get_settings().database_url)

APP_REGISTRY = AppRegistry(apps=list(PICCOLO_APPS))
