"""The trainer's dialogs: help, confirm-quit, save, load, copy-command and error."""
