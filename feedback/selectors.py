"""Reads, always scoped to the member's firm (and, for account managers, to their clients)."""

from django.db.models import QuerySet

from feedback.models import Client, Feedback, Member


def client_list(*, member: Member, mine_only: bool | None = None) -> QuerySet[Client]:
    """Clients the member may see. Account managers see their own clients unless they ask for
    the whole firm (`mine_only=False`); admins and analysts see the whole firm by default."""
    qs = Client.objects.filter(firm_id=member.firm_id)
    if mine_only is None:
        mine_only = not member.sees_whole_firm
    if mine_only:
        qs = qs.filter(account_managers=member)
    return qs.order_by("name")


def client_visible_to(*, member: Member, client_id: int) -> bool:
    """Whether the member may see (and act for) this client: any client of their firm for admins
    and analysts, their own clients for account managers."""
    return client_list(member=member).filter(pk=client_id).exists()


def feedback_list(*, member: Member, mine_only: bool | None = None) -> QuerySet[Feedback]:
    qs = Feedback.objects.filter(firm_id=member.firm_id)
    if mine_only is None:
        mine_only = not member.sees_whole_firm
    if mine_only:
        qs = qs.filter(client__account_managers=member)
    return qs.select_related("client", "contact", "source", "touchpoint").order_by("-received_at")


def feedback_get(*, member: Member, pk: int) -> Feedback:
    """Raises Feedback.DoesNotExist for another firm's item, exactly as for a missing one."""
    return feedback_list(member=member, mine_only=False).get(pk=pk)


def feedback_with_analysis_list(*, firm_id: int, member: Member | None) -> QuerySet[Feedback]:
    """Feedback the viewer may see (`member=None`: a firm-wide API key), newest first."""
    if member is not None:
        qs = feedback_list(member=member)
    else:
        qs = Feedback.objects.filter(firm_id=firm_id).select_related("client")
    # The serializer reads each page's effective analyses in a fixed number of queries.
    return qs.order_by("-received_at", "-pk")
