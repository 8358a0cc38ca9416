"""Settings of the chats domain, read from the environment."""

from contentum.settings.environment import env

# A chat with no answer is temporary and removed this long after it was opened.
CHAT_TEMPORARY_TTL_SECONDS = env.int("CHAT_TEMPORARY_TTL_SECONDS", default=600)
CHAT_EXPIRY_INTERVAL_SECONDS = env.int("CHAT_EXPIRY_INTERVAL_SECONDS", default=60)
CHAT_MAX_ANSWER_LENGTH = env.int("CHAT_MAX_ANSWER_LENGTH", default=2000)
CHAT_RECENT_MESSAGES = 50
