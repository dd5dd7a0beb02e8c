"""Provider definitions: the model, the TOML loader and the registry."""

from desktop.core.provider.loader import load_provider_file, parse_provider
from desktop.core.provider.model import (
    Auth,
    AuthType,
    CatalogEntry,
    ChecklistStep,
    Environment,
    LintRule,
    Provider,
    Region,
    RequestTemplate,
    Setting,
    StepKind,
)
from desktop.core.provider.reader import ProviderError
from desktop.core.provider.registry import ProviderRegistry, load_registry

__all__ = [
    "Auth",
    "AuthType",
    "CatalogEntry",
    "ChecklistStep",
    "Environment",
    "LintRule",
    "Provider",
    "ProviderError",
    "ProviderRegistry",
    "Region",
    "RequestTemplate",
    "Setting",
    "StepKind",
    "load_provider_file",
    "load_registry",
    "parse_provider",
]
