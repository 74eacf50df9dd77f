; Close Reader's Windows installer (Inno Setup 6), made from the PyInstaller folder:
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\close-reader /DOutputDir=..\..\dist ^
;        packaging\windows\close-reader.iss
;   -> dist\close-reader-0.1.0-windows-x64-setup.exe
;
; (the release workflow runs it; packaging/README.md). A per-machine install: Program
; Files, a Start menu entry for everyone, an uninstaller in Apps & features, the .crpack
; association. It needs admin rights to install; the app never does to run: each user's
; database, backups and logs live in %LOCALAPPDATA%\CloseReader, never beside the program.
;
; Silent install for school IT (Intune, SCCM, Group Policy; packaging/README.md):
;   close-reader-<version>-windows-x64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; never starts the app afterwards ([Run] is skipifsilent) and never restarts Windows.
; Silent uninstall: "C:\Program Files\Close Reader\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; (user data stays: it belongs to the users).
;
; /DSign=1 (with ISCC's /Ssigntool=...) signs the uninstaller and the setup program.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (from app/__init__.py)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\close-reader"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

#define AppName "Close Reader"
#define AppExe "close-reader.exe"
#define ProgId "CloseReader.LessonPack"

[Setup]
; the AppId identifies the product for upgrades and uninstall: never change it
AppId={{6C0B7E0E-3F47-4B5A-9E0C-2B8C5D1F7A31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Close Reader
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 runs on Windows 10 1809 and later
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename=close-reader-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\assets\icons\close-reader.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
; an upgrade while a student has the app open: close it (Restart Manager), and do not
; start it again afterwards (a silent install must never start the app)
CloseApplications=yes
RestartApplications=no
SetupLogging=yes
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Media-literacy lessons"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .crpack -> Close Reader (per machine: HKA is HKLM in an admin install). Double-clicking a
; pack runs close-reader.exe "FILE", which previews the import behind the instructor
; password (docs/formats.md).
Root: HKA; Subkey: "Software\Classes\.crpack"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.crpack"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-close-reader-pack"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.crpack\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Close Reader lesson pack"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".crpack"; ValueData: ""

[Run]
; offered at the end of an interactive install only: skipifsilent keeps a silent
; (/SILENT or /VERYSILENT) install from ever starting the app
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
