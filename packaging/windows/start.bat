@echo off
rem jixiao: starts the local page and opens it in the default browser.
rem ASCII only: jixiao itself prints the Chinese lines of this window.
title jixiao
cd /d "%~dp0"
jixiao.exe serve --open
rem Reached when jixiao stops on its own (e.g. the port is taken): keep the
rem window open so its message can be read.
pause
