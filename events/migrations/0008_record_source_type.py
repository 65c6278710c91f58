"""Every source gets a type; the publisher may be an organisation or an official body.

Rows that exist already get the type of the bundled source with their slug, when there is one
(the bundled record of 2026-11); any other row keeps an empty type, which the admin and the
loader refuse and `manage.py audit_record` lists, so a curator chooses it.
"""

import django.db.models.deletion
from django.db import migrations, models

# The bundled sources of 2026-11 and their types, for sites that loaded that file.
BUNDLED_TYPES = {
    "cnn-interviews-gay-men-tortured-in-chechnya": "republication",
    "100-gay-men-in-chechen-taken-to-prison-camps": "republication",
    "gcn-four-more-prisons-for-gay-men-in-chechnya": "republication",
    "untitled-chechnya-state-department-kremlin-responses": "republication",
    "gcn-cnn-interviews-gay-men-who-escaped-chechnya": "republication",
    "tass-2017-04-14-kremlin-investigation": "wire",
    "interfax-2017-04-03-peskov": "wire",
    "interfax-2017-04-03-karimov": "wire",
    "tass-2017-04-17-prosecutors": "wire",
    "ohchr-2017-04-13-un-experts": "official",
    "hansard-2017-04-20-chechnya": "official",
    "ontopmag-2017-04-21-clinton": "original",
    "advocate-2017-04-24-lavrov": "original",
    "rferl-2017-07-15-kadyrov-hbo": "original",
    "out-2017-04-19-cnn-interviews": "original",
    "independent-2017-05-02-ap-chechen-gays": "wire",
    "eurasiatimes-2017-04-26-kadyrov-ramadan": "original",
    "out-2017-04-21-milashina": "original",
    "interfax-2017-04-19-kadyrov-putin": "wire",
    "itv-2017-04-18-london-protest": "opinion",
    "pinknews-2017-04-13-london-protest": "original",
    "newsweek-2017-04-25-six-prisons": "republication",
    "hrw-2017-05-26-they-have-long-arms": "official",
}


def type_bundled_sources(apps, schema_editor):
    SourceArticle = apps.get_model("events", "SourceArticle")
    for slug, source_type in BUNDLED_TYPES.items():
        SourceArticle.objects.filter(slug=slug, source_type="").update(source_type=source_type)


class Migration(migrations.Migration):
    dependencies = [("events", "0010_holes_one_end_date_rule")]

    operations = [
        migrations.AddField(
            model_name="sourcearticle",
            name="source_type",
            field=models.CharField(
                "type",
                max_length=20,
                default="",
                choices=[
                    ("original", "Original reporting"),
                    ("wire", "Wire or agency report"),
                    ("official", "Official document or statement"),
                    ("republication", "Republication or compilation"),
                    ("opinion", "Opinion"),
                ],
            ),
            preserve_default=False,
        ),
        migrations.RunPython(type_bundled_sources, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='sourcearticle',
            name='language',
            field=models.CharField(default='en', help_text='Language of the article, as a code: en, ru… (an original Russian title stays in Russian).', max_length=16),
        ),
        migrations.AlterField(
            model_name='sourcearticle',
            name='publisher',
            field=models.ForeignKey(blank=True, help_text='Who published it: the outlet, agency, organisation or official body (“TASS”, “Human Rights Watch”, “UK House of Commons”). Every source needs one; for a site that names no publisher, the actor “Unidentified website”. `manage.py audit_record` lists the sources without one.', limit_choices_to={'kind__in': ('media', 'organisation', 'government')}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='published_articles', to='events.actor'),
        ),
        migrations.AlterField(
            model_name='sourcearticle',
            name='source_type',
            field=models.CharField(choices=[('original', 'Original reporting'), ('wire', 'Wire or agency report'), ('official', 'Official document or statement'), ('republication', 'Republication or compilation'), ('opinion', 'Opinion')], help_text="Original reporting: the outlet's own reporting. Wire: a news agency's report (TASS, Interfax, AP). Official: a government's, parliament's or UN body's own document or statement. Republication: a site that copies or strings together others' reports. Opinion: a comment piece. Cite the original beside a republication.", max_length=20, verbose_name='type'),
        ),
        migrations.AddConstraint(
            model_name='sourcearticle',
            constraint=models.CheckConstraint(condition=models.Q(('source_type__in', ['original', 'wire', 'official', 'republication', 'opinion', ''])), name='source_type_is_known', violation_error_message='Choose one of the source types.'),
        ),
        migrations.AddConstraint(
            model_name='sourcearticle',
            constraint=models.CheckConstraint(condition=models.Q(('language', ''), _negated=True), name='source_has_a_language', violation_error_message="Give the source's language (en, ru…)."),
        ),
    ]
