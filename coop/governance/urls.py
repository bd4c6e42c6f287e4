from django.urls import path

from coop.governance import views

app_name = "governance"

urlpatterns = [
    path("rules/", views.rulebook_current, name="rulebook_current"),
    path("rules/history/", views.rulebook_history, name="rulebook_history"),
    path("decisions/", views.proposal_list, name="proposal_list"),
    path("decisions/fund/", views.fund_payouts, name="fund_payouts"),
    path("decisions/committee/", views.committee, name="committee"),
    path("coops/<slug:coop_slug>/committee/", views.committee_public, name="committee_public"),
    path("decisions/new/<slug:kind>/", views.proposal_new, name="proposal_new"),
    path("decisions/meeting/<slug:kind>/", views.meeting_record_new, name="meeting_record_new"),
    path("decisions/<int:number>/", views.proposal_detail, name="proposal_detail"),
    path("decisions/<int:number>/vote/", views.proposal_vote, name="proposal_vote"),
    path("decisions/<int:number>/what-if/", views.proposal_what_if, name="proposal_what_if"),
    path("decisions/<int:number>/support/", views.proposal_support, name="proposal_support"),
    path("decisions/<int:number>/proxy/", views.proposal_proxy, name="proposal_proxy"),
    path("decisions/<int:number>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("decisions/<int:number>/confirm/", views.proposal_confirm, name="proposal_confirm"),
    path("decisions/<int:number>/paper/", views.proposal_paper_ballot, name="proposal_paper_ballot"),
    path("decisions/<int:number>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("decisions/<int:number>/documents/", views.proposal_documents_add, name="proposal_documents_add"),
    path("decisions/<int:number>/documents/<int:document_id>/", views.proposal_document, name="proposal_document"),
]
