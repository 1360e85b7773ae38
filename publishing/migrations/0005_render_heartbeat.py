"""A render's heartbeat and owner, and when it was last asked of the broker (publishing.services.editions)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0004_edition_welsh'),
    ]

    operations = [
        migrations.AddField(
            model_name='edition',
            name='render_heartbeat_at',
            field=models.DateTimeField(blank=True, help_text="The render's last sign of life: a render that stops beating was orphaned.", null=True),
        ),
        migrations.AddField(
            model_name='edition',
            name='render_owner',
            field=models.CharField(blank=True, help_text='The host and process rendering it, while it renders.', max_length=200),
        ),
        migrations.AddField(
            model_name='edition',
            name='render_requested_at',
            field=models.DateTimeField(blank=True, help_text='When its render was last asked of the broker.', null=True),
        ),
    ]
