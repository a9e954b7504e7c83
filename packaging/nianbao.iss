; Inno Setup script of 年报: a per-user installer (no administrator rights) for the one-folder build.
;
;   python packaging\build.py --self-test
;   iscc packaging\nianbao.iss            (Inno Setup 6.3 or later; writes dist\nianbao-0.1.0-setup.exe)
;
; Installs for the current user only into %LOCALAPPDATA%\Programs\年报 (no administrator rights, no UAC prompt,
; no choice of "all users": nothing is written under HKLM or Program Files), with Start-menu entry and optional
; desktop icon; uninstalls from "Apps & features". Two programs: nianbao.exe (the window) and nianbao-cli.exe
; (the command line, for cmd and scripts). The clerk's data (database, settings, certificates in the local
; application data folder; the archive in Documents) is not the installer's: it is left in place on uninstall —
; an archive of signed reports must survive a reinstall.
; Keep AppVersion in step with pyproject.toml (packaging/build.py checks version_info.txt the same way).

#define AppName "年报"
#define AppVersion "0.1.0"
#define AppExe "nianbao.exe"
#define CliExe "nianbao-cli.exe"
#define Bundle "..\dist\nianbao"

[Setup]
AppId={{6F2D9B7E-4C1A-4E8B-9A57-2B1D3C0E5A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
; per user: no UAC prompt, nothing written outside the user's profile
PrivilegesRequired=lowest
; (no PrivilegesRequiredOverridesAllowed: an install for all users would be machine-wide)
ChangesAssociations=no
ChangesEnvironment=no
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=..\dist
OutputBaseFilename=nianbao-{#AppVersion}-setup
SetupIconFile=..\resources\icons\nianbao.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 1809 or later: Qt 6 supports nothing older, and uses the system's ICU (icu.dll) there
MinVersion=10.0.17763
; the program may be running (an open report): ask to close it rather than replacing files in use
CloseApplications=yes
RestartApplications=no

[Languages]
; ChineseSimplified.isl comes with Inno Setup 6.3+ (Languages\Unofficial in older versions: copy it over)
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "附加快捷方式："; Flags: unchecked

[Files]
Source: "{#Bundle}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Bundle}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Bundle}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; files of an older version that the new one no longer ships (a stale Qt plugin can crash the start)
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\卸载 {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "启动 {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: filesandordirs; Name: "{app}\_internal"
