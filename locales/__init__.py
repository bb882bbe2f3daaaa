"""The gettext catalogs (the source files; edit them here).

The wheel ships this folder inside the package as ``bot.locales``, and bot/i18n.py reads it with
importlib.resources, so a wheel speaks every language the source tree does.
"""
