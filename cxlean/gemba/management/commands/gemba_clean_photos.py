"""Remove the metadata (GPS position, camera, XMP) from Gemba photos stored before
uploads were cleaned, and remake their display copies. Photos without metadata are
left alone, so running it again changes nothing.
"""

from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand

from cxlean.gemba.models import Observation
from cxlean.gemba.photos import has_metadata


class Command(BaseCommand):
    help = "Remove EXIF and XMP metadata from stored Gemba photos."

    def handle(self, *args, **options) -> None:
        cleaned = 0
        for observation in Observation.objects.exclude(photo="").iterator():
            old_photo, old_display = observation.photo.name, observation.photo_display.name
            storage = observation.photo.storage
            try:
                with observation.photo.open("rb") as stored:
                    if not has_metadata(stored):
                        continue
                    data = stored.read()
            except (FileNotFoundError, OSError) as error:
                self.stderr.write(f"Observation {observation.pk}: {error}")
                continue
            # Given back as a new upload, the save cleans it as it cleans every upload.
            observation.photo = ContentFile(data, name=PurePath(old_photo or "").name)
            observation.save()  # stores the cleaned photo and a new display copy
            for name in (old_photo, old_display):
                if name:
                    storage.delete(name)
            cleaned += 1
        self.stdout.write(f"{cleaned} photo(s) cleaned.")
