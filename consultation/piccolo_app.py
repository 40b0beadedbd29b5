"""Piccolo app of the consultation package."""

import os

from piccolo.conf.apps import AppConfig

from consultation.tables import ChatMessage, Conversation, DisputeConversation, QuickReply

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="consultation",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Conversation, ChatMessage, QuickReply, DisputeConversation],
    migration_dependencies=[],
    commands=[],
)
