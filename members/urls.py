from django.urls import path

from members import api
from members.views import business, office, portal, public

urlpatterns = [
    path("portal/", public.portal_home, name="portal_home"),
    path("apply/", public.member_apply, name="member_apply"),
    path("apply/done/", public.member_apply_done, name="member_apply_done"),
    path("businesses/register/", public.business_register, name="business_register"),
    path("businesses/register/done/", public.business_register_done, name="business_register_done"),
    # Back office (coordinators and board members), always inside the current coop.
    path("office/", office.office_home, name="office_home"),
    path("office/applications/", office.office_application_list, name="office_application_list"),
    path("office/applications/<int:member_id>/", office.office_application_detail, name="office_application_detail"),
    path("office/members/", office.office_member_list, name="office_member_list"),
    path("office/members/<int:member_id>/", office.office_member_detail, name="office_member_detail"),
    path("office/members/<int:member_id>/status/", office.office_member_status, name="office_member_status"),
    path("office/members/<int:member_id>/consent/", office.office_member_consent, name="office_member_consent"),
    path("office/members/<int:member_id>/assist/", office.office_assisted_start, name="office_assisted_start"),
    path("office/assist/stop/", office.assisted_stop, name="assisted_stop"),
    path("office/businesses/", office.office_business_list, name="office_business_list"),
    path("office/businesses/<int:business_id>/", office.office_business_detail, name="office_business_detail"),
    path("office/skills/", office.office_skill_list, name="office_skill_list"),
    path("office/skills/new/", office.office_skill_edit, name="office_skill_create"),
    path("office/skills/<int:skill_id>/", office.office_skill_edit, name="office_skill_edit"),
    # Member portal (the member's own data, or the assisted member's).
    path("member/", portal.member_home, name="member_home"),
    path("member/details/", portal.member_details, name="member_details"),
    path("member/profile/", portal.member_profile, name="member_profile"),
    path("member/skills/", portal.member_skills, name="member_skills"),
    path("member/status/", portal.member_status, name="member_status"),
    path("member/history/", portal.member_history, name="member_history"),
    path("member/consent/", portal.member_consent, name="member_consent"),
    path("member/consent/change/", portal.member_consent_change, name="member_consent_change"),
    # API.
    path("api/me/", api.MeApi.as_view(), name="me_api"),
    path("api/businesses/<int:business_id>/", api.BusinessDetailApi.as_view(), name="business_api_detail"),
    # Business portal.
    path("business/", business.business_home, name="business_home"),
    path("business/<int:business_id>/", business.business_detail, name="business_detail"),
    path("business/<int:business_id>/edit/", business.business_edit, name="business_edit"),
    path("business/<int:business_id>/contacts/add/", business.business_contact_add_view, name="business_contact_add"),
    path(
        "business/<int:business_id>/contacts/<int:user_id>/remove/",
        business.business_contact_remove_view,
        name="business_contact_remove",
    ),
]
