from django.urls import include, path

from jobs.api.urls import router
from jobs.views import business, feed, member, office

urlpatterns = [
    # Business portal
    path("business/jobs/", business.business_job_list, name="business_job_list"),
    path("business/jobs/new/", business.business_job_post, name="business_job_post"),
    path("business/jobs/price/", business.business_job_price, name="business_job_price"),
    path("business/jobs/<int:job_id>/", business.business_job_detail, name="business_job_detail"),
    path("business/jobs/<int:job_id>/close/", business.business_job_close, name="business_job_close"),
    path("business/shifts/<int:shift_id>/cancel/", business.business_shift_cancel, name="business_shift_cancel"),
    path(
        "business/shifts/<int:shift_id>/candidates/",
        business.business_shift_candidates,
        name="business_shift_candidates",
    ),
    path("business/shifts/<int:shift_id>/pick/", business.business_shift_pick, name="business_shift_pick"),
    # Member portal
    path("work/", member.member_shift_list, name="member_shift_list"),
    path("work/shifts/<int:shift_id>/", member.member_shift_detail, name="member_shift_detail"),
    path("work/offers/", member.member_offer_list, name="member_offer_list"),
    path("work/offers/<int:offer_id>/accept/", member.member_offer_accept, name="member_offer_accept"),
    path("work/offers/<int:offer_id>/decline/", member.member_offer_decline, name="member_offer_decline"),
    path("work/schedule/", member.member_schedule, name="member_schedule"),
    path("work/calendar/", member.member_calendar, name="member_calendar"),
    path("calendar/<str:token>.ics", feed.calendar_feed, name="calendar_feed"),
    # Back office
    path("office/jobs/shifts/", office.office_shift_list, name="office_shift_list"),
    path("office/jobs/shifts/<int:shift_id>/", office.office_shift_detail, name="office_shift_detail"),
    path("office/jobs/shifts/<int:shift_id>/assign/", office.office_shift_assign, name="office_shift_assign"),
    path("office/jobs/shifts/<int:shift_id>/cancel/", office.office_shift_cancel, name="office_shift_cancel"),
    # REST API
    path("api/", include(router.urls)),
]
