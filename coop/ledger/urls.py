from django.urls import path

from coop.ledger import views

urlpatterns = [
    path("office/books/", views.ledger_books, name="ledger_books"),
    path("office/books/journal/", views.ledger_journal, name="ledger_journal"),
]
