"""Library pages: browse, search and filter, detail, and a clinic's own exercises."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import AuthedRequest, role_required
from accounts.models import Role

from . import selectors, services
from .forms import ExerciseForm
from .models import Category


@login_required
def library(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    muscle = request.GET.get("muscle", "")
    exercises = selectors.exercise_search(
        viewer=request.user, query=query, category=category, muscle=muscle
    )
    page = Paginator(exercises, 24).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": query,
        "category": category,
        "muscle": muscle,
        "categories": Category.choices,
        "muscles": selectors.muscles_in_use(),
    }
    # htmx live search swaps only the result list.
    template = "exercises/_results.html" if request.htmx else "exercises/library.html"
    return render(request, template, context)


@login_required
def detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    exercise = selectors.get_exercise_or_404(viewer=request.user, public_id=public_id)
    can_edit = (
        exercise.clinic_id is not None
        and exercise.clinic_id == request.user.clinic_id
        and request.user.role in (Role.THERAPIST, Role.STAFF)
    )
    return render(request, "exercises/detail.html", {"exercise": exercise, "can_edit": can_edit})


@role_required(Role.THERAPIST, Role.STAFF)
def create(request: AuthedRequest) -> HttpResponse:
    form = ExerciseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        exercise = services.exercise_create(by=request.user, muscles=data.pop("muscles"), **data)
        messages.success(request, f"“{exercise.name}” was added to your clinic's library.")
        return redirect("exercise_detail", public_id=exercise.public_id)
    return render(request, "exercises/form.html", {"form": form, "exercise": None})


@role_required(Role.THERAPIST, Role.STAFF)
def edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    exercise = selectors.get_exercise_or_404(viewer=request.user, public_id=public_id)
    if exercise.clinic_id != request.user.clinic_id:
        raise PermissionDenied("The shared library cannot be edited.")
    form = ExerciseForm(request.POST or None, request.FILES or None, instance=exercise)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.exercise_update(exercise=exercise, muscles=data.pop("muscles"), **data)
        messages.success(request, "Saved.")
        return redirect("exercise_detail", public_id=exercise.public_id)
    return render(request, "exercises/form.html", {"form": form, "exercise": exercise})


@login_required
def image(request: AuthedRequest, public_id: str) -> FileResponse:
    """An exercise's picture, to those who may see the exercise (media is never public)."""
    exercise = selectors.get_exercise_or_404(viewer=request.user, public_id=public_id)
    if not exercise.image:
        raise Http404("No picture for this exercise.")
    return FileResponse(exercise.image.open("rb"))
