"""What every command group is built from: context and replies, the router and registry, the one
tokenizer, argument models, forms, policy, errors → sentences, and reading times.

    from commands.framework import Group, Subcommand, build_registry
    registry = build_registry([meeting.GROUP])
"""

from commands.framework.context import Context, Directory, NobodyDirectory, Person, Services
from commands.framework.errors import UserError, guard
from commands.framework.forms import Action, ActionHandler, Form, State, Values
from commands.framework.replies import Audience, Button, Choice, Field, Home, Input, Message, Modal, Reply
from commands.framework.router import Group, Registry, Subcommand, build_registry

__all__ = [
    "Action", "ActionHandler", "Audience", "Button", "Choice", "Context", "Directory", "Field", "Form",
    "Group", "Home", "Input", "Message", "Modal", "NobodyDirectory", "Person", "Registry", "Reply",
    "Services", "State", "Subcommand", "UserError", "Values", "build_registry", "guard",
]
