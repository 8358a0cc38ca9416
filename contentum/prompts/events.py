"""One function per prompts event, each writing one audit row."""

from typing import Any

from contentum.audit.models import AuditLog
from contentum.audit.services import audit_record
from contentum.prompts.models import PromptHistory, PromptTemplate

TEMPLATE_CREATED = "prompt_template.created"
TEMPLATE_UPDATED = "prompt_template.updated"
TEMPLATE_DELETED = "prompt_template.deleted"
TEMPLATE_ACTIVATED = "prompt_template.activated"
PROMPT_ASSEMBLED = "prompt.assembled"
ENRICHMENT_FALLBACK = "prompt.enrichment_fallback"


def template_created(*, actor: Any, template: PromptTemplate) -> AuditLog:
    return audit_record(
        action=TEMPLATE_CREATED,
        actor=actor,
        target=template,
        details={"name": template.name, "revision": template.revision},
    )


def template_updated(*, actor: Any, template: PromptTemplate, fields: list[str]) -> AuditLog:
    return audit_record(
        action=TEMPLATE_UPDATED,
        actor=actor,
        target=template,
        details={"fields": fields, "revision": template.revision},
    )


def template_deleted(*, actor: Any, template: PromptTemplate) -> AuditLog:
    return audit_record(
        action=TEMPLATE_DELETED, actor=actor, target=template, details={"name": template.name}
    )


def template_activated(*, actor: Any, template: PromptTemplate) -> AuditLog:
    return audit_record(
        action=TEMPLATE_ACTIVATED,
        actor=actor,
        target=template,
        details={"name": template.name, "revision": template.revision},
    )


def prompt_assembled(*, user: Any, history: PromptHistory) -> AuditLog:
    revision = history.template_revision
    return audit_record(
        action=PROMPT_ASSEMBLED,
        actor=user,
        target=history,
        details={
            "template_id": str(revision.template_id) if revision.template_id else None,
            "revision": revision.number,
            "parameters_id": str(history.parameters_id) if history.parameters_id else None,
            "length": len(history.assembled_prompt),
        },
    )


def enrichment_fallback(*, user: Any, key: str, enricher: str, reason: str) -> AuditLog:
    return audit_record(
        action=ENRICHMENT_FALLBACK,
        actor=user,
        details={"key": key, "enricher": enricher, "reason": reason, "fallback": "builtin"},
    )
