@echo off
rem Close Reader for Group Policy: a computer startup script that installs Close Reader,
rem or updates it, silently (Group Policy's own software installation takes only MSI).
rem Put this file beside close-reader-<version>-windows-x64-setup.exe on a share that
rem Domain Computers can read, and add it under Computer Configuration > Policies >
rem Windows Settings > Scripts > Startup (packaging/README.md). It runs as SYSTEM before
rem anyone logs on; when the installed version is the one beside it, it does nothing.
setlocal EnableExtensions
set "SETUP="
for %%F in ("%~dp0close-reader-*-windows-x64-setup.exe") do set "SETUP=%%~fF" & set "NAME=%%~nF"
if not defined SETUP (
  echo close-reader: no close-reader-*-windows-x64-setup.exe beside %~f0
  exit /b 1
)
rem close-reader-<version>-windows-x64-setup -> <version>
for /f "tokens=3 delims=-" %%V in ("%NAME%") do set "VERSION=%%V"
set "KEY=HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{6C0B7E0E-3F47-4B5A-9E0C-2B8C5D1F7A31}_is1"
rem reg.exe prints "    DisplayVersion    REG_SZ    <version>"
reg query "%KEY%" /v DisplayVersion 2>nul | find "REG_SZ    %VERSION%" >nul && exit /b 0
"%SETUP%" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG="%WINDIR%\Temp\close-reader-install.log"
exit /b %ERRORLEVEL%
