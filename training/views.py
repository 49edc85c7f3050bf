"""Training plans and implementation projects. Views parse input, call a selector or a service,
and render; a refused step re-renders the page with what was typed."""


from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of, query_without_page
from servicedesk.core.parsing import pk_or_none
from staff.permissions import role_required
from tickets.remote.forms import add_service_errors

from . import forms, selectors, services
from .models import ChecklistItem, ImplementationProject, PlanStatus, Trainee
from .policies import (
    customer_sign_blockers,
    implementation_form_deadline,
    plan_start_blockers,
    project_close_blockers,
    project_complete_blockers,
)
from .selectors import SUPERVISOR_ROLES, TRAINING_ROLES


# --- Plans --------------------------------------------------------------------------------------------


@require_GET
@role_required(*TRAINING_ROLES)
def plan_list(request):
    form = forms.PlanFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = page_of(request, selectors.plan_list(user=request.user, status=status))
    return render(request, "training/plan_list.html", {"form": form, "page": page, "query": query_without_page(request)})


@role_required(*TRAINING_ROLES)
def plan_create(request):
    project = None
    project_id = pk_or_none(request.GET.get("project"))
    if project_id:
        project = selectors.project_visible_queryset(user=request.user).filter(pk=project_id).first()
    form = forms.PlanForm(request.POST or None, fixed_customer=project.customer if project else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        customer = project.customer if project else data.pop("customer")
        try:
            plan = services.plan_create(customer=customer, project=project, created_by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Training plan created. Prepare the environment, materials and exam."))
            return redirect(plan)
    return render(
        request,
        "training/plan_form.html",
        {"form": form, "project": project, "customers": selectors.customer_names()},
    )


def _get_plan(request, pk):
    return get_object_or_404(selectors.plan_detail_queryset(user=request.user), pk=pk)


@role_required(*TRAINING_ROLES)
def plan_edit(request, pk):
    plan = _get_plan(request, pk)
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan, actor=request.user, data={f: form.cleaned_data[f] for f in form.changed_data}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Training plan saved."))
            return redirect(plan)
    return render(request, "training/plan_form.html", {"form": form, "plan": plan})


def _render_plan(request, plan, **bound):
    """The plan page with every form of its current stage; ``bound`` keeps a refused form as typed."""
    trainees = list(selectors.plan_trainees(plan=plan))
    readiness = selectors.plan_readiness(plan=plan)
    cohort = selectors.plan_cohort(plan=plan)
    context = {
        "plan": plan,
        "checklist": selectors.plan_checklist(plan=plan),
        "documents": selectors.plan_documents(plan=plan),
        "trainees": trainees,
        "sessions": selectors.plan_sessions(plan=plan),
        "cohort": cohort,
        "threshold": services.pass_threshold(),
        "start_blockers": plan_start_blockers(**readiness) if plan.status == PlanStatus.PLANNED else [],
        "sign_blockers": customer_sign_blockers(trainees=cohort["total"], trainees_signed=cohort["signed"]),
        "is_supervisor": request.user.has_role(*SUPERVISOR_ROLES),
        "checklist_form": forms.ChecklistItemForm(),
        "document_form": forms.PlanDocumentForm(),
        "teaching_form": forms.TeachingPlanForm(initial={"teaching_plan": plan.teaching_plan}),
        "trainee_form": forms.TraineeForm(plan=plan),
        "session_form": forms.SessionForm(trainees=trainees),
        "exam_form": forms.ExamForm(plan=plan, trainees=trainees),
        "customer_sign_form": forms.CustomerSignForm(plan=plan),
        "quality_form": forms.QualityForm(initial={"quality_notes": plan.quality_notes}),
        "close_form": forms.CloseForm(),
    }
    context.update(bound)
    return render(request, "training/plan_detail.html", context)


@require_GET
@role_required(*TRAINING_ROLES)
def plan_detail(request, pk):
    return _render_plan(request, _get_plan(request, pk))


def _submit(request, target, *, page, form_name, form, run, success):
    """Validate ``form`` and run the service on it, then go back to ``target``'s page; when the form
    or the service refuses, re-render that page (``page``) with the form as typed."""
    if form.is_valid():
        try:
            run(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(target)
    messages.error(request, _("That step was not saved; see the message below."))
    return page(request, target, **{form_name: form})


def _press(request, target, *, run, success):
    """A button without fields: run the service; its refusal becomes a message on the page."""
    try:
        run()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(target)


@require_POST
@role_required(*TRAINING_ROLES)
def checklist_add(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="checklist_form", form=forms.ChecklistItemForm(request.POST),
        run=lambda form: services.checklist_item_add(plan=plan, text=form.cleaned_data["text"], actor=request.user),
        success=_("Checklist item added."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def checklist_toggle(request, pk, item_pk):
    plan = _get_plan(request, pk)
    item = get_object_or_404(ChecklistItem.objects.select_related("plan"), pk=item_pk, plan=plan)
    return _press(
        request, plan,
        run=lambda: services.checklist_item_set_done(item=item, actor=request.user, done=item.done_at is None),
        success=_("Checklist saved."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def document_add(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="document_form",
        form=forms.PlanDocumentForm(request.POST, request.FILES),
        run=lambda form: services.plan_document_add(
            plan=plan, upload=form.cleaned_data["upload"], kind=form.cleaned_data["kind"], actor=request.user
        ),
        success=_("Document stored."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def teaching_plan_save(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="teaching_form", form=forms.TeachingPlanForm(request.POST),
        run=lambda form: services.teaching_plan_save(plan=plan, text=form.cleaned_data["teaching_plan"], actor=request.user),
        success=_("Teaching plan saved."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def trainee_add(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="trainee_form", form=forms.TraineeForm(request.POST, plan=plan),
        run=lambda form: services.trainee_add(plan=plan, contact=form.cleaned_data["contact"], actor=request.user),
        success=_("Trainee added."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def plan_start(request, pk):
    plan = _get_plan(request, pk)
    return _press(
        request, plan, run=lambda: services.plan_start(plan=plan, actor=request.user),
        success=_("The training has started."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def session_add(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="session_form",
        form=forms.SessionForm(request.POST, trainees=selectors.plan_trainees(plan=plan)),
        run=lambda form: services.session_record(plan=plan, actor=request.user, **form.cleaned_data),
        success=_("Session recorded."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def exam_record(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="exam_form",
        form=forms.ExamForm(request.POST, plan=plan, trainees=selectors.plan_trainees(plan=plan)),
        run=lambda form: services.exam_record_many(plan=plan, scores=form.scores(), actor=request.user),
        success=_("Exam results recorded."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def trainee_sign(request, pk, trainee_pk):
    plan = _get_plan(request, pk)
    trainee = get_object_or_404(Trainee.objects.select_related("contact"), pk=trainee_pk, plan=plan)
    return _press(
        request, plan, run=lambda: services.trainee_sign(trainee=trainee, actor=request.user),
        success=_("%(name)s signed the acceptance form.") % {"name": trainee.contact.name},
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def customer_sign(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="customer_sign_form",
        form=forms.CustomerSignForm(request.POST, plan=plan),
        run=lambda form: services.plan_customer_sign(
            plan=plan, person_in_charge=form.cleaned_data["person_in_charge"], actor=request.user
        ),
        success=_("The customer's person in charge signed the acceptance form."),
    )  # fmt: skip


@require_POST
@role_required(*SUPERVISOR_ROLES)
def quality_check(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="quality_form", form=forms.QualityForm(request.POST),
        run=lambda form: services.plan_quality_check(plan=plan, actor=request.user, notes=form.cleaned_data["quality_notes"]),
        success=_("Quality check recorded."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def plan_close(request, pk):
    plan = _get_plan(request, pk)
    return _submit(
        request, plan, page=_render_plan, form_name="close_form", form=forms.CloseForm(request.POST),
        run=lambda form: services.plan_close(plan=plan, actor=request.user, summary=form.cleaned_data["summary"]),
        success=_("Training plan closed."),
    )  # fmt: skip


# --- Implementation projects (TR-7) ---------------------------------------------------------------


@require_GET
@role_required(*TRAINING_ROLES)
def project_list(request):
    form = forms.ProjectFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = page_of(request, selectors.project_list(user=request.user, status=status))
    return render(request, "training/project_list.html", {"form": form, "page": page, "query": query_without_page(request)})


@role_required(*TRAINING_ROLES)
def project_create(request):
    form = forms.ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Implementation project created."))
            return redirect(project)
    return render(
        request,
        "training/project_form.html",
        {"form": form, "customers": selectors.customer_names()},
    )


def _get_project(request, pk):
    return get_object_or_404(selectors.project_detail_queryset(user=request.user), pk=pk)


def _render_project(request, project, **bound):
    deadline = None
    if project.completed_at:
        deadline = implementation_form_deadline(
            completed_on=timezone.localdate(project.completed_at), days=settings.SERVICEDESK["IMPLEMENTATION_FORM_DAYS"]
        )
    context = {
        "project": project,
        "plans": selectors.project_plans(project=project),
        "form_deadline": deadline,
        "complete_blockers": project_complete_blockers(
            data_import_plan=project.data_import_plan,
            familiarisation_plan=project.familiarisation_plan,
            go_live_on=project.go_live_on,
        ),
        "close_blockers": project_close_blockers(
            has_form=project.implementation_form_id is not None,
            payment_amount=project.payment_amount,
            payment_received_on=project.payment_received_on,
        ),
        "go_live_form": forms.GoLivePlanForm(instance=project),
        "collect_form": forms.FormCollectForm(),
        "payment_form": forms.PaymentForm(),
    }
    context.update(bound)
    return render(request, "training/project_detail.html", context)


@require_GET
@role_required(*TRAINING_ROLES)
def project_detail(request, pk):
    return _render_project(request, _get_project(request, pk))


@require_POST
@role_required(*TRAINING_ROLES)
def project_plan_save(request, pk):
    project = _get_project(request, pk)
    return _submit(
        request, project, page=_render_project, form_name="go_live_form",
        # A separate instance: the form must not change the one the page is rendered from.
        form=forms.GoLivePlanForm(request.POST, instance=ImplementationProject.objects.get(pk=project.pk)),
        run=lambda form: services.project_plan_save(project=project, actor=request.user, data=form.cleaned_data),
        success=_("Go-live plan saved."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def project_complete(request, pk):
    project = _get_project(request, pk)
    return _press(
        request, project, run=lambda: services.project_complete(project=project, actor=request.user),
        success=_("Implementation completed. Collect the signed implementation form."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def project_form_collect(request, pk):
    project = _get_project(request, pk)
    return _submit(
        request, project, page=_render_project, form_name="collect_form",
        form=forms.FormCollectForm(request.POST, request.FILES),
        run=lambda form: services.project_form_collect(project=project, upload=form.cleaned_data["upload"], actor=request.user),
        success=_("Implementation form stored."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def project_payment(request, pk):
    project = _get_project(request, pk)
    return _submit(
        request, project, page=_render_project, form_name="payment_form", form=forms.PaymentForm(request.POST),
        run=lambda form: services.project_payment_receive(
            project=project, received_on=form.cleaned_data["received_on"], actor=request.user
        ),
        success=_("Payment recorded."),
    )  # fmt: skip


@require_POST
@role_required(*TRAINING_ROLES)
def project_close(request, pk):
    project = _get_project(request, pk)
    return _press(
        request, project, run=lambda: services.project_close(project=project, actor=request.user),
        success=_("Implementation project closed."),
    )  # fmt: skip
