"""An edition keeps its overall grades in words, for its page's description and link previews."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0005_render_heartbeat'),
    ]

    operations = [
        migrations.AddField(
            model_name='edition',
            name='overall_text',
            field=models.TextField(blank=True, help_text="The overall grades in words, rendered with the PDF: the page's description."),
        ),
        migrations.AddField(
            model_name='edition',
            name='overall_text_cy',
            field=models.TextField(blank=True),
        ),
    ]
