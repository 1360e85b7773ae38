"""A bilingual edition: its Welsh frozen with it, and its own Welsh PDF and page (see publishing.models)."""

import publishing.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0003_edition_about_the_data'),
        ('reports', '0012_welsh_slug_and_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='edition',
            name='bilingual',
            field=models.BooleanField(default=False, help_text='Published in Welsh as well as English.'),
        ),
        migrations.AddField(
            model_name='edition',
            name='body_html_cy',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='edition',
            name='change_note_cy',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='edition',
            name='glance_html_cy',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='edition',
            name='pdf_cy',
            field=models.FileField(blank=True, max_length=200, upload_to=publishing.models.edition_pdf_name),
        ),
        migrations.AddField(
            model_name='edition',
            name='pdf_cy_pages',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='edition',
            name='pdf_cy_sha256',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='edition',
            name='pdf_cy_size',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='edition',
            name='welsh',
            field=models.JSONField(blank=True, default=dict, help_text="The Welsh as it was frozen: each part's (\"parts\", by key) and each narrative's and finding's (\"record\")."),
        ),
        migrations.AddField(
            model_name='editionfinding',
            name='text_cy',
            field=models.TextField(blank=True, help_text="The finding's Welsh, for a bilingual edition."),
        ),
        migrations.AddField(
            model_name='editionjudgment',
            name='narrative_cy',
            field=models.TextField(blank=True, help_text="The narrative's Welsh, for a bilingual edition."),
        ),
        migrations.AddConstraint(
            model_name='edition',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('bilingual', True), ('render_status', 'ready'), _negated=True), models.Q(models.Q(('pdf_cy', ''), _negated=True), ('pdf_cy_sha256__regex', '^[0-9a-f]{64}$')), _connector='OR'), name='edition_ready_bilingual_has_welsh_pdf'),
        ),
    ]
