"""Setuptools' package list; everything else about the build is in pyproject.toml.

pyproject.toml cannot combine `packages.find` with packages that live elsewhere on disk, so the
list is computed here: every package found under bot/, handlers/, conversations/ and
berdaya_sandbox/ (new ones are picked up without editing anything), plus the top-level
locales/ and migrations/ folders, which pyproject.toml's [tool.setuptools.package-dir] maps to
bot.locales and bot.migrations.
"""

from setuptools import find_packages, setup

CODE = ["bot", "bot.*", "handlers", "handlers.*", "conversations", "conversations.*"]
SANDBOX = ["berdaya_sandbox", "berdaya_sandbox.*"]

setup(
    packages=[
        *find_packages(include=[*CODE, *SANDBOX]),
        "bot.locales",
        "bot.migrations",
        "bot.migrations.versions",
    ]
)
