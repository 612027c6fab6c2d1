"""torchvision.datasets.utils: MD5 checks, resumable downloads and archive helpers.

Same names and behaviour as torchvision's (``calculate_md5``, ``check_md5``, ``check_integrity``,
``download_url``, ``extract_archive``, ``download_and_extract_archive``, ``verify_str_arg``), with
two additions: downloads go to ``<file>.part`` and resume it with an HTTP Range request, and every
network call has a timeout (``timeout`` seconds per connect/read; torchvision has none), so a
missing network fails fast instead of hanging. A file reaches its final name only once its MD5
matches, so a failed or corrupt download never leaves a file that looks valid.
"""
import bz2
import gzip
import hashlib
import lzma
import os
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile
import zlib

__all__ = ["calculate_md5", "check_md5", "check_integrity", "download_url", "extract_archive",
           "download_and_extract_archive", "download_from_mirrors", "verify_str_arg", "verify_file", "ChecksumError",
           "read_maybe_compressed"]

_USER_AGENT = "torchlike"
_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


class ChecksumError(RuntimeError):
    """A file's MD5 differs from the published one."""

    def __init__(self, path, expected, actual):
        super().__init__(f"MD5 mismatch for {path}: expected {expected}, got {actual}. The file is corrupt or "
                         "incomplete; delete it and download it again (download=True) or copy a good one.")
        self.path, self.expected, self.actual = path, expected, actual


def calculate_md5(fpath, chunk_size=1024 * 1024):
    """Hex MD5 of a file's bytes."""
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True when ``fpath`` is a file and, if ``md5`` is given, its MD5 matches."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def verify_file(fpath, md5):
    """Raise :class:`ChecksumError` naming the file and both MD5s when ``fpath`` does not match."""
    actual = calculate_md5(fpath)
    if actual != md5:
        raise ChecksumError(fpath, md5, actual)


def _fetch(url, part, timeout):
    """Download ``url`` onto ``part``, resuming from its current size when the server honours Range."""
    offset = os.path.getsize(part) if os.path.exists(part) else 0
    headers = {"User-Agent": _USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and offset:  # nothing left to fetch: the checksum decides
            return
        raise
    with response, open(part, "ab" if response.status == 206 else "wb") as f:
        while chunk := response.read(1024 * 1024):
            f.write(chunk)


def download_url(url, root, filename=None, md5=None, *, timeout=30.0):
    """Download ``url`` to ``root/filename`` unless a file with that MD5 is already there.

    The bytes go to ``root/filename.part`` (resumed on the next call if the transfer breaks) and are
    renamed into place only after the MD5 matches; a mismatch deletes the part file and raises
    :class:`ChecksumError`. Network failures raise ``OSError`` (``URLError``, ``TimeoutError``).
    """
    root = os.path.expanduser(root)
    fpath = os.path.join(root, filename or os.path.basename(url))
    if check_integrity(fpath, md5):
        print(f"Using downloaded and verified file: {fpath}")
        return
    os.makedirs(root, exist_ok=True)
    part = fpath + ".part"
    print(f"Downloading {url} to {fpath}")
    _fetch(url, part, timeout)
    if md5 is not None:
        try:
            verify_file(part, md5)
        except ChecksumError as error:
            os.remove(part)
            raise ChecksumError(url, error.expected, error.actual) from None
    os.replace(part, fpath)


def download_from_mirrors(urls, root, filename, md5, needed=None):
    """``download_url`` from the first of ``urls`` that works; if none does, RuntimeError listing
    each failure and the files (``needed``, default ``filename``) to copy into ``root`` by hand."""
    errors = []
    for url in urls:
        try:
            return download_url(url, root, filename, md5)
        except (OSError, ChecksumError) as error:
            errors.append(f"{url}: {error}")
    raise RuntimeError(f"Error downloading {filename}:\n  " + "\n  ".join(errors) + "\nWithout network access, "
                       f"copy {', '.join(needed or [filename])} into {os.path.expanduser(root)}.")


def read_maybe_compressed(path):
    """The bytes of ``path``, decompressed when it ends in .gz, .bz2 or .xz (a corrupt stream
    raises RuntimeError naming the file)."""
    opener = _COMPRESSED.get(os.path.splitext(path)[1], open)
    try:
        with opener(path, "rb") as f:
            return f.read()
    except (EOFError, OSError, zlib.error, lzma.LZMAError) as error:
        raise RuntimeError(f"Could not read {path}: {error}") from error


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract a .zip, .tar[.gz|.bz2|.xz]/.tgz, or decompress a single .gz/.bz2/.xz file into
    ``to_path`` (default: the archive's folder). Returns ``to_path``."""
    to_path = to_path or os.path.dirname(from_path)
    name = os.path.basename(from_path)
    if zipfile.is_zipfile(from_path):
        with zipfile.ZipFile(from_path) as archive:
            archive.extractall(to_path)
    elif tarfile.is_tarfile(from_path):
        with tarfile.open(from_path) as archive:
            archive.extractall(to_path, filter="data")
    elif os.path.splitext(name)[1] in _COMPRESSED:
        stem = os.path.splitext(name)[0]
        with _COMPRESSED[os.path.splitext(name)[1]](from_path, "rb") as src, \
                open(os.path.join(to_path, stem), "wb") as dst:
            shutil.copyfileobj(src, dst)
    else:
        raise RuntimeError(f"Couldn't detect the archive type of {from_path}")
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False, *, timeout=30.0):
    """``download_url`` then ``extract_archive`` (into ``extract_root``, default ``download_root``)."""
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5, timeout=timeout)
    archive = os.path.join(os.path.expanduser(download_root), filename)
    print(f"Extracting {archive} to {extract_root or download_root}")
    return extract_archive(archive, extract_root or os.path.expanduser(download_root), remove_finished)


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """Check that ``value`` is a str and, if ``valid_values`` is given, one of them (ValueError as torchvision)."""
    if not isinstance(value, str):
        msg = "Expected type str" + (f" for argument {arg}" if arg is not None else "") + \
              f", but got type {type(value)}."
        raise ValueError(msg)
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is None:
        custom_msg = (f"Unknown value '{value}' for argument {arg}. Valid values are "
                      f"{{{', '.join(repr(v) for v in valid_values)}}}.")
    raise ValueError(custom_msg)
