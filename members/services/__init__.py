"""Writes about people, split by subject. Import services from here: `from members.services import member_admit`.

Every service is keyword-only, owns its transaction and writes an audit row for each change of
state or money. Services that can run in assisted mode take `ctx: AuditContext`
(see `members.selectors.member_acting_as`).
"""

from members.services.applications import member_admit, member_apply, member_reject
from members.services.assisted import assisted_mode_start, assisted_mode_stop
from members.services.businesses import (
    business_contact_add,
    business_contact_remove,
    business_register,
    business_update,
)
from members.services.lifecycle import member_leave, member_pause, member_resume, member_suspend, member_unsuspend
from members.services.profiles import (
    member_consent_give,
    member_consent_withdraw,
    member_details_update,
    member_skills_set,
    worker_profile_update,
)
from members.services.roles import (
    group_save,
    role_grant,
    role_revoke,
    user_admin_update,
    user_create_by_admin,
)
from members.services.shares import (
    share_payment_record,
    share_refund_approve,
    share_wage_deduction_agree,
)
from members.services.skills import skill_create, skill_update

__all__ = [
    "assisted_mode_start",
    "assisted_mode_stop",
    "business_contact_add",
    "business_contact_remove",
    "business_register",
    "business_update",
    "group_save",
    "member_admit",
    "member_apply",
    "member_consent_give",
    "member_consent_withdraw",
    "member_details_update",
    "member_leave",
    "member_pause",
    "member_reject",
    "member_resume",
    "member_skills_set",
    "member_suspend",
    "member_unsuspend",
    "role_grant",
    "role_revoke",
    "share_payment_record",
    "share_refund_approve",
    "share_wage_deduction_agree",
    "skill_create",
    "skill_update",
    "user_admin_update",
    "user_create_by_admin",
    "worker_profile_update",
]
