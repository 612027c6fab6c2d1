"""torch.hub: the hub cache directory, checkpoint downloads and ``hubconf.py`` entrypoints.

Paths follow torch exactly: ``get_dir()`` is ``$TORCH_HOME/hub`` with ``$TORCH_HOME`` defaulting to
``$XDG_CACHE_HOME/torch`` and that to ``~/.cache/torch``; ``load_state_dict_from_url`` reads
``<get_dir()>/checkpoints/<file name from the url>`` and downloads it first when absent.
Deviation: a download that cannot reach the network fails within ``DOWNLOAD_TIMEOUT`` seconds with a
``RuntimeError`` naming the file and the exact path where a copy can be placed, instead of hanging or
surfacing a bare ``URLError``. GitHub repos for ``load``/``list``/``help`` are fetched as torch does;
offline, a repo missing from the hub cache is reported with the directory torch would use.
"""
import errno
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
MODULE_HUBCONF = "hubconf.py"
VAR_DEPENDENCY = "dependencies"
READ_DATA_CHUNK = 128 * 1024
DOWNLOAD_TIMEOUT = 10.0
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")

_hub_dir = None


def _get_torch_home():
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME,
                                        os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir():
    """torch.hub.get_dir: the directory given to ``set_dir``, else ``$TORCH_HOME/hub``."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    """torch.hub.set_dir: use ``d`` (user-expanded) as the hub directory from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def _offline_error(url, dst, err):
    return RuntimeError(
        f"Could not download {url!r} ({err}). Without network access, place the file "
        f"{os.path.basename(dst)!r} at {dst!r} (hub directory: {get_dir()!r}; set $TORCH_HOME or call "
        f"torch.hub.set_dir to use another one).")


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """torch.hub.download_url_to_file: download ``url`` to ``dst`` through a temporary ``.partial`` file,
    checking that the SHA256 of the contents starts with ``hash_prefix`` when given. Unreachable hosts fail
    after ``DOWNLOAD_TIMEOUT`` seconds with a RuntimeError saying where to place the file by hand."""
    dst = os.path.expanduser(dst)
    for _ in range(tempfile.TMP_MAX):
        tmp_dst = dst + "." + uuid.uuid4().hex + ".partial"
        try:
            f = open(tmp_dst, "x+b")
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(errno.EEXIST, "No usable temporary file name found")
    try:
        try:
            u = urlopen(Request(url, headers={"User-Agent": "torch.hub"}), timeout=DOWNLOAD_TIMEOUT)
        except HTTPError:
            raise
        except (URLError, OSError) as err:
            raise _offline_error(url, dst, getattr(err, "reason", err)) from err
        with u:
            size = u.info().get("Content-Length")
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            done = 0
            while True:
                buffer = u.read(READ_DATA_CHUNK)
                if not buffer:
                    break
                f.write(buffer)
                if sha256 is not None:
                    sha256.update(buffer)
                done += len(buffer)
                if progress:
                    total = f"/{int(size) / 2 ** 20:.1f}" if size else ""
                    sys.stderr.write(f"\r{done / 2 ** 20:.1f}{total} MiB")
            if progress:
                sys.stderr.write("\n")
        f.close()
        if sha256 is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        shutil.move(f.name, dst)
    finally:
        f.close()
        if os.path.exists(f.name):
            os.remove(f.name)


def _safe_extract_zip(zf, extract_to):
    root = os.path.realpath(extract_to)
    for member in zf.infolist():
        target = os.path.realpath(os.path.join(extract_to, member.filename))
        if os.path.commonpath([root, target]) != root:
            raise ValueError(f"Refusing to extract {member.filename!r} outside {extract_to!r}")
    zf.extractall(extract_to)


def _is_legacy_zip_format(filename):
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infolist = zf.infolist()
        return len(infolist) == 1 and not infolist[0].is_dir()
    return False


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """torch.hub.load_state_dict_from_url: ``torchlike.load`` of ``<model_dir>/<file name>``
    (``model_dir`` defaults to ``<get_dir()>/checkpoints``, the file name to the url's), downloading it
    first when absent; a single-file zip (torch < 1.6) is extracted first, as torch does."""
    from .serialization import load

    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached_file, match.group(1) if match else None, progress=progress)
    if _is_legacy_zip_format(cached_file):
        warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in favor of default "
                      "zipfile format introduced in 1.6. Please redo torch.save() to save it in the new zipfile "
                      "format.", FutureWarning, stacklevel=2)
        with zipfile.ZipFile(cached_file) as zf:
            _safe_extract_zip(zf, model_dir)
            cached_file = os.path.join(model_dir, zf.infolist()[0].filename)
    return load(cached_file, map_location=map_location, weights_only=weights_only)


def _parse_repo_info(github):
    repo_info, ref = github.split(":") if ":" in github else (github, None)
    repo_owner, repo_name = repo_info.split("/")
    if ref is None:
        try:
            with urlopen(f"https://github.com/{repo_owner}/{repo_name}/tree/main/", timeout=DOWNLOAD_TIMEOUT):
                ref = "main"
        except HTTPError as e:
            if e.code != 404:
                raise
            ref = "master"
        except (URLError, OSError) as e:
            ref = next((r for r in ("main", "master")
                        if os.path.exists(os.path.join(get_dir(), f"{repo_owner}_{repo_name}_{r}"))), None)
            if ref is None:
                raise RuntimeError("It looks like there is no internet connection and the repo could not be found "
                                   f"in the cache ({get_dir()}): expected a copy of {repo_owner}/{repo_name} in "
                                   f"{os.path.join(get_dir(), f'{repo_owner}_{repo_name}_main')!r}") from e
    return repo_owner, repo_name, ref


def _check_repo_is_trusted(repo_owner, repo_name, owner_name_branch, trust_repo):
    hub_dir = get_dir()
    filepath = os.path.join(hub_dir, "trusted_list")
    if not os.path.exists(filepath):
        open(filepath, "a").close()
    with open(filepath) as file:
        trusted_repos = tuple(line.strip() for line in file)
    owner_name = f"{repo_owner}_{repo_name}"
    is_trusted = (owner_name in trusted_repos or owner_name_branch in next(os.walk(hub_dir))[1]
                  or repo_owner in _TRUSTED_REPO_OWNERS)
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        response = input(f"The repository {owner_name} does not belong to the list of trusted repositories and as "
                         "such cannot be downloaded. Do you trust this repository and wish to add it to the trusted "
                         "list of repositories (y/N)?")
        if response.lower() in ("y", "yes"):
            if is_trusted:
                print("The repository is already trusted.")
        elif response.lower() in ("n", "no", ""):
            raise Exception("Untrusted repository.")
        else:
            raise ValueError(f"Unrecognized response {response}.")
    if not is_trusted:
        with open(filepath, "a") as file:
            file.write(owner_name + "\n")


def _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    repo_owner, repo_name, ref = _parse_repo_info(github)
    normalized_br = ref.replace("/", "_")
    owner_name_branch = "_".join([repo_owner, repo_name, normalized_br])
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_repo_is_trusted(repo_owner, repo_name, owner_name_branch, trust_repo=trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    cached_file = os.path.join(hub_dir, normalized_br + ".zip")
    if os.path.exists(cached_file):
        os.remove(cached_file)
    url = f"https://github.com/{repo_owner}/{repo_name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
    try:
        download_url_to_file(url, cached_file, progress=False)
    except RuntimeError as err:
        raise RuntimeError(f"The repo {github!r} is not in the hub cache and could not be downloaded ({err}); "
                           f"place its source tree (with {MODULE_HUBCONF}) at {repo_dir!r}") from err
    with zipfile.ZipFile(cached_file) as zf:
        extracted_repo = os.path.join(hub_dir, zf.infolist()[0].filename)
        shutil.rmtree(extracted_repo, ignore_errors=True)
        _safe_extract_zip(zf, hub_dir)
    os.remove(cached_file)
    shutil.rmtree(repo_dir, ignore_errors=True)
    shutil.move(extracted_repo, repo_dir)
    return repo_dir


def _import_hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} does not exist")
    sys.path.insert(0, repo_dir)
    try:
        spec = importlib.util.spec_from_file_location("hubconf", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_dir)
    return module


def _load_entry_from_hubconf(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    missing = [pkg for pkg in getattr(module, VAR_DEPENDENCY, None) or ()
               if importlib.util.find_spec(pkg) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    func = getattr(module, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):
    """torch.hub.list: the callable, non-underscore names of the repo's ``hubconf.py``."""
    module = _import_hubconf(_get_cache_or_reload(github, force_reload, trust_repo, verbose, skip_validation))
    return [f for f in dir(module) if callable(getattr(module, f)) and not f.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):
    """torch.hub.help: the docstring of entrypoint ``model`` of the repo's ``hubconf.py``."""
    module = _import_hubconf(_get_cache_or_reload(github, force_reload, trust_repo, True, skip_validation))
    return _load_entry_from_hubconf(module, model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """torch.hub.load: call entrypoint ``model`` of ``hubconf.py`` in a GitHub repo (``owner/name[:ref]``,
    cached under ``get_dir()``) or, with ``source='local'``, in a local directory."""
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _get_cache_or_reload(repo_or_dir, force_reload, trust_repo, verbose, skip_validation)
    sys.path.insert(0, repo_or_dir)
    try:
        module = _import_hubconf(repo_or_dir)
        return _load_entry_from_hubconf(module, model)(*args, **kwargs)
    finally:
        sys.path.remove(repo_or_dir)

