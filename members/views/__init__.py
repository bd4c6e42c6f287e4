"""Pages about people, split by portal: public, office (staff), member portal, business portal."""

from members.views.public import business_register, business_register_done, member_apply, member_apply_done, portal_home

__all__ = ["business_register", "business_register_done", "member_apply", "member_apply_done", "portal_home"]
