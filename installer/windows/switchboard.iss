; Inno Setup 6 script for Switchboard: a per-user install, no administrator rights.
; Built by `python installer/build.py windows`, which runs PyInstaller and then
;   iscc /DAppVersion=<package version> /DDistDir=<PyInstaller folder>
;        /DIconFile=<switchboard.ico> /DOutputDir=<output folder> switchboard.iss
; DistDir holds switchboard.exe (windowed: the Start menu entry) and
; switchboard-cli.exe (console: `switchboard-cli check ...` in a terminal).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build.py reads it from the package metadata)
#endif
#ifndef DistDir
  #error Pass /DDistDir=<the PyInstaller output folder installer\out\dist\switchboard>
#endif
#ifndef IconFile
  #error Pass /DIconFile=<installer\out\icons\switchboard.ico>
#endif
#ifndef OutputDir
  #define OutputDir "."
#endif

#define AppName "Switchboard"
#define AppExe "switchboard.exe"

[Setup]
; AppId identifies the product to the uninstaller and to upgrades: never change it.
AppId={{B27D9CE7-1CBF-4E5A-B5F7-B1ADF80005E1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Switchboard developers
; lowest: installs for the current user; {autopf} is then {userpf}
; (%LOCALAPPDATA%\Programs), and Start menu entries go to the user's menu.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Files Python or Qt may have created beside the program; user settings in
; %LOCALAPPDATA%\switchboard are left alone.
Type: filesandordirs; Name: "{app}"
