/* Full image names that a cut 14-character ImageFileName may stand for.
 *
 * Windows system processes come from docs/windows-lineage sources; the
 * application names are ones commonly seen in dumps (the seed article's
 * listings among them). A cut name resolves only when exactly one entry
 * (or one name from the loaded rules) extends it, so adding a name here
 * can make a resolution ambiguous: keep entries that are real images. */
#include "session.h"

const char *const known_image_names[] = {
    /* Core Windows processes */
    "System", "Registry", "MemCompression", "Idle", "Secure System",
    "smss.exe", "csrss.exe", "wininit.exe", "winlogon.exe", "services.exe",
    "lsass.exe", "lsaiso.exe", "lsm.exe", "svchost.exe", "taskhost.exe",
    "taskhostex.exe", "taskhostw.exe", "RuntimeBroker.exe", "sihost.exe",
    "dwm.exe", "userinit.exe", "explorer.exe", "fontdrvhost.exe",
    "LogonUI.exe", "spoolsv.exe", "SearchIndexer.exe",
    "SearchProtocolHost.exe", "SearchFilterHost.exe", "SearchUI.exe",
    "SearchApp.exe", "SearchHost.exe", "conhost.exe", "dllhost.exe",
    "WmiPrvSE.exe", "WmiApSrv.exe", "audiodg.exe", "ctfmon.exe",
    "taskmgr.exe", "cmd.exe", "powershell.exe", "pwsh.exe",
    "WerFault.exe", "WerFaultSecure.exe", "wermgr.exe", "autochk.exe",
    "psxss.exe", "posix.exe", "os2ss.exe", "alg.exe", "wuauclt.exe",
    "wscntfy.exe", "wpabaln.exe", "mdm.exe", "wdfmgr.exe", "tcpsvcs.exe",
    "snmp.exe", "rundll32.exe", "regsvr32.exe", "mshta.exe",
    "wscript.exe", "cscript.exe", "msiexec.exe", "consent.exe",
    "TiWorker.exe", "TrustedInstaller.exe", "sppsvc.exe", "SppExtComObj.Exe",
    "SettingSyncHost.exe", "ShellExperienceHost.exe",
    "StartMenuExperienceHost.exe", "SystemSettings.exe",
    "SystemSettingsBroker.exe", "ApplicationFrameHost.exe",
    "WWAHost.exe", "MsMpEng.exe", "NisSrv.exe", "MpCmdRun.exe",
    "SecurityHealthService.exe", "SecurityHealthSystray.exe",
    "SgrmBroker.exe", "smartscreen.exe", "CompatTelRunner.exe",
    "DeviceCensus.exe", "MusNotification.exe", "MusNotifyIcon.exe",
    "UsoClient.exe", "backgroundTaskHost.exe", "BackgroundTransferHost.exe",
    "dasHost.exe", "DataExchangeHost.exe", "LockApp.exe",
    "TextInputHost.exe", "YourPhone.exe", "PhoneExperienceHost.exe",
    "GameBar.exe", "GameBarFTServer.exe", "Widgets.exe",
    "WidgetService.exe", "MoUsoCoreWorker.exe",
    "OfficeClickToRun.exe", "AppVShNotify.exe", "unsecapp.exe",
    "vds.exe", "vssvc.exe", "wbengine.exe", "WUDFHost.exe",
    "wlanext.exe", "winrshost.exe",
    "wsmprovhost.exe", "mmc.exe", "resmon.exe", "perfmon.exe",
    "notepad.exe", "mspaint.exe", "calc.exe", "write.exe", "wordpad.exe",
    "ngen.exe", "ngentask.exe", "mscorsvw.exe", "Memory Compression",
    "iexplore.exe", "MicrosoftEdge.exe", "MicrosoftEdgeCP.exe",
    "MicrosoftEdgeSH.exe", "msedge.exe", "msedgewebview2.exe",
    "OneDrive.exe", "Teams.exe", "ms-teams.exe", "OUTLOOK.EXE",
    "WINWORD.EXE", "EXCEL.EXE", "POWERPNT.EXE", "ONENOTE.EXE",
    "MSACCESS.EXE", "MSPUB.EXE", "VISIO.EXE", "EQNEDT32.EXE",
    "GROOVE.EXE", "MSOSYNC.EXE", "lync.exe",
    /* Common third-party applications */
    "chrome.exe", "firefox.exe", "opera.exe", "brave.exe", "vivaldi.exe",
    "safari.exe", "nacl64.exe", "googledrivesync.exe", "GoogleUpdate.exe",
    "iTunesHelper.exe", "iPodService.exe", "iTunes.exe",
    "AppleMobileDeviceService.exe", "jusched.exe", "jucheck.exe",
    "reader_sl.exe", "AcroRd32.exe", "Acrobat.exe", "AdobeARM.exe",
    "hkcmd.exe", "igfxpers.exe", "igfxtray.exe", "igfxEM.exe",
    "RAVBg64.exe", "RAVCpl64.exe", "nvvsvc.exe", "nvxdsync.exe",
    "NVDisplay.Container.exe", "PDVD10Serv.exe", "hpwuschd2.exe",
    "ScanToPCActivationApp.exe", "vmtoolsd.exe", "VGAuthService.exe",
    "vm3dservice.exe", "VBoxService.exe", "VBoxTray.exe",
    "Dropbox.exe", "Skype.exe", "Spotify.exe", "Zoom.exe", "slack.exe",
    "Code.exe", "putty.exe", "WinSCP.exe", "7zFM.exe", "vlc.exe",
    NULL,
};
