"""Type stubs of the native module (Rust, PyO3). Use the functions in ``jixiao``."""

import os
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

_Data = Union[bytes, bytearray, str, "os.PathLike[str]"]

COLUMNS: List[str]
COLUMNS_ZH: List[str]
WHOLE_NUMBER_COLUMNS: List[str]
VERSION: str

def convert(
    data: _Data, *, name: Optional[str] = ..., limits: Optional[Mapping[str, int]] = ...
) -> List[Dict[str, Any]]: ...
def rows(
    data: _Data, *, name: Optional[str] = ..., limits: Optional[Mapping[str, int]] = ...
) -> List[Dict[str, Any]]: ...
def list_inputs(paths: List[Union[str, "os.PathLike[str]"]]) -> List[Tuple[str, str]]: ...
