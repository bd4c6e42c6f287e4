from rest_framework.routers import SimpleRouter

from jobs.api.views import BusinessAssignmentViewSet, BusinessJobViewSet, BusinessShiftViewSet, MemberOfferViewSet

router = SimpleRouter()
router.register("jobs", BusinessJobViewSet, basename="api_job")
router.register("shifts", BusinessShiftViewSet, basename="api_shift")
router.register("assignments", BusinessAssignmentViewSet, basename="api_assignment")
router.register("offers", MemberOfferViewSet, basename="api_offer")
