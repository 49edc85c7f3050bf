from django import forms

from servicedesk.core.widgets import FastSelect


class Pick(forms.Form):
    colour = forms.ChoiceField(choices=[("", "Any"), ("red", "Red <b>"), ("blue", "Blue")], widget=FastSelect, required=False)


def test_fast_select_renders_like_django_select():
    fast = str(Pick({"colour": "blue"})["colour"])
    assert fast.startswith('<select name="colour" id="id_colour">')
    assert '<option value="blue" selected>Blue</option>' in fast
    assert '<option value="red">Red &lt;b&gt;</option>' in fast  # labels are escaped
    assert fast.count("<option") == 3


def test_fast_select_marks_invalid_fields():
    form = Pick({"colour": "green"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["colour"])
