"""The unit tree (materialized path), CX roles and profiles."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import translation

from cxlean.core.names import display_name
from cxlean.org.models import CXRole, Profile, Unit
from tests.factories import CXRoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """company → (service → chat → night shift), (sales)."""
    company = UnitFactory(name="Company")
    service = UnitFactory(name="Service", parent=company)
    chat = UnitFactory(name="Chat", parent=service)
    night = UnitFactory(name="Night shift", parent=chat)
    sales = UnitFactory(name="Sales", parent=company)
    return company, service, chat, night, sales


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def test_path_holds_the_ids_from_the_root_down(tree):
    company, service, chat, night, sales = tree
    assert company.path == f"/{company.pk}/"
    assert fresh(night).path == f"/{company.pk}/{service.pk}/{chat.pk}/{night.pk}/"
    assert [u.depth for u in (company, service, chat, night)] == [0, 1, 2, 3]
    assert fresh(night).line == [company.pk, service.pk, chat.pk, night.pk]
    assert company.line == [company.pk]


def test_subtree_is_the_unit_and_everything_below_it(tree):
    company, service, chat, night, sales = tree
    assert set(service.subtree()) == {service, chat, night}
    assert set(company.subtree()) == set(tree)
    assert set(night.subtree()) == {night}


def test_subtree_does_not_catch_units_whose_id_starts_with_the_same_digits():
    seven = Unit.objects.create(pk=7_000_007, name="Seven", code="seven")
    seventy = Unit.objects.create(pk=70_000_070, name="Seventy", code="seventy")
    assert seventy.path.startswith("/7")
    assert list(seven.subtree()) == [seven]


def test_is_within(tree):
    company, service, chat, night, sales = tree
    assert night.is_within(service)
    assert service.is_within(service)
    assert not sales.is_within(service)
    assert not service.is_within(chat)


def test_moving_a_unit_re_roots_its_descendants(tree):
    company, service, chat, night, sales = tree
    chat.parent = sales
    chat.save()
    assert fresh(chat).path == f"/{company.pk}/{sales.pk}/{chat.pk}/"
    assert fresh(night).path == f"/{company.pk}/{sales.pk}/{chat.pk}/{night.pk}/"
    assert set(sales.subtree()) == {sales, chat, night}
    assert set(fresh(service).subtree()) == {service}


def test_moving_a_unit_to_the_top_makes_it_a_root(tree):
    company, service, chat, night, sales = tree
    service.parent = None
    service.save()
    assert fresh(service).path == f"/{service.pk}/"
    assert fresh(night).path == f"/{service.pk}/{chat.pk}/{night.pk}/"
    assert set(company.subtree()) == {company, sales}


def test_saving_without_moving_leaves_paths_alone(tree, django_assert_num_queries):
    company, service, chat, night, sales = tree
    service.name = "Customer service"
    # SAVEPOINT, UPDATE, history INSERT, RELEASE: no path rewrite of the subtree.
    with django_assert_num_queries(4):
        service.save()
    assert fresh(night).path.startswith(service.path)


def test_a_unit_cannot_be_its_own_parent(tree):
    company, service, chat, night, sales = tree
    service.parent = service
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "parent" in error.value.message_dict


def test_a_unit_cannot_move_under_one_of_its_descendants(tree):
    company, service, chat, night, sales = tree
    service.parent = night
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "parent" in error.value.message_dict


def test_moving_under_a_sibling_branch_is_valid(tree):
    company, service, chat, night, sales = tree
    service.parent = sales
    service.full_clean()


def test_a_unit_with_sub_units_cannot_be_deleted(tree):
    company, service, chat, night, sales = tree
    with pytest.raises(ProtectedError):
        service.delete()


def test_moves_are_kept_in_history(tree):
    company, service, chat, night, sales = tree
    chat.parent = sales
    chat.save()
    assert chat.history.latest().parent_id == sales.pk


def test_cx_role_name_and_description_follow_the_language():
    role = CXRoleFactory(
        name_sv="Dataanalytiker",
        name_en="Data analyst",
        description_sv="Mäter.",
        description_en="Measures.",
    )
    with translation.override("en"):
        assert (role.name, role.description, str(role)) == (
            "Data analyst",
            "Measures.",
            "Data analyst",
        )
    with translation.override("sv"):
        assert (role.name, role.description) == ("Dataanalytiker", "Mäter.")


def test_cx_role_falls_back_to_swedish_when_english_is_empty():
    role = CXRoleFactory(name_sv="Produktägare", name_en="", description_en="")
    role.description_sv = "Prioriterar."
    with translation.override("en"):
        assert role.name == "Produktägare"
        assert role.description == "Prioriterar."


def test_cx_roles_are_listed_in_catalogue_order():
    CXRoleFactory(slug="b", order=20)
    CXRoleFactory(slug="a", order=30)
    CXRoleFactory(slug="c", order=10)
    assert list(CXRole.objects.values_list("slug", flat=True)) == ["c", "b", "a"]


def test_a_person_can_hold_several_cx_roles():
    person = UserFactory(first_name="Fatima", last_name="Ali")
    roles = [CXRoleFactory(), CXRoleFactory()]
    person.profile.cx_roles.set(roles)
    assert set(Profile.objects.get(user=person).cx_roles.all()) == set(roles)
    assert set(roles[0].profiles.all()) == {person.profile}


def test_changing_cx_roles_is_kept_in_history():
    person = UserFactory()
    role = CXRoleFactory()
    person.profile.cx_roles.add(role)
    latest = person.profile.history.latest()
    assert [row.cxrole_id for row in latest.cx_roles.all()] == [role.pk]


def test_a_profile_is_named_after_its_person():
    named = UserFactory(first_name="Karin", last_name="Sjöberg")
    unnamed = UserFactory(username="ksj", first_name="", last_name="")
    assert str(named.profile) == "Karin Sjöberg"
    assert display_name(unnamed) == "ksj"


def test_a_unit_with_people_cannot_be_deleted():
    person = UserFactory()
    with pytest.raises(ProtectedError):
        person.profile.unit.delete()
