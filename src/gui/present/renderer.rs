//! Which of eframe's two renderers draws the window, picked per machine by
//! what a frame costs there.
//!
//! Where no GPU draws the window (Mesa's llvmpipe or lavapipe, SwiftShader:
//! a VM, a remote desktop, Xvfb) the CPU shades every pixel, and the window
//! takes cores from the experiment it shows. There eframe's glow renderer
//! measured four to five times cheaper per frame than wgpu, and faster to its
//! first frame (BENCHMARKS.md, "The renderer"), so glow draws. On a GPU,
//! wgpu stays: glow has not been measured there.
//!
//! eframe cannot change its renderer once the window is open, so the choice
//! is made before. On Linux a machine without a GPU device node
//! (`/dev/dri/renderD*`, `/dev/dri/card*`, `/dev/nvidia*`) can only render
//! on the CPU, and glow is taken at once. Otherwise a wgpu instance asks for
//! the adapter eframe's own set-up would take (same backends and power
//! preference, `WGPU_BACKEND` and `WGPU_POWER_PREF` honoured), reads its name
//! and kind, and is dropped, no device made. That look is not free: on
//! llvmpipe it measured about 70 ms before the first frame (BENCHMARKS.md),
//! which is why the device nodes are read first.

use eframe::egui_wgpu::wgpu;
use eframe::glow::{self, HasContext as _};

/// The environment variable that forces a renderer when `--renderer` is not
/// given: `glow`, `wgpu` or `auto`.
pub const RENDERER_ENV: &str = "THREADLAB_RENDERER";

/// What the user asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RendererChoice {
    /// glow on a CPU renderer, wgpu on a GPU.
    #[default]
    Auto,
    /// Always eframe's OpenGL renderer.
    Glow,
    /// Always eframe's wgpu renderer (Vulkan, or OpenGL through wgpu).
    Wgpu,
}

impl RendererChoice {
    /// `glow`, `wgpu` or `auto`, in any case.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "glow" => Ok(Self::Glow),
            "wgpu" => Ok(Self::Wgpu),
            other => Err(format!("renderer {other:?}: expected glow, wgpu or auto")),
        }
    }

    /// The choice from [`RENDERER_ENV`], `Auto` when it is unset or empty;
    /// a value it cannot read is an error naming the variable.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(RENDERER_ENV) {
            Ok(v) if !v.trim().is_empty() => {
                Self::parse(&v).map_err(|e| format!("{RENDERER_ENV}: {e}"))
            }
            _ => Ok(Self::Auto),
        }
    }
}

/// The renderer picked, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickedRenderer {
    /// What eframe is told to use.
    pub renderer: eframe::Renderer,
    /// The adapter wgpu offered, when it was looked at (`Auto` on a
    /// machine with a GPU device).
    pub adapter: Option<AdapterSeen>,
}

/// The adapter wgpu would have drawn with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterSeen {
    /// Its name, as the driver gives it (`llvmpipe (LLVM 15.0.6, 256 bits)`).
    pub name: String,
    /// Whether the CPU draws with it.
    pub software: bool,
}

/// Picks the renderer for `choice`: a forced one as it is; `Auto` takes glow
/// where there is no GPU device, else looks at wgpu's adapter and takes glow
/// when it is a CPU one, or when there is none (glow may still find OpenGL
/// where wgpu found nothing).
pub fn pick_renderer(choice: RendererChoice) -> PickedRenderer {
    match choice {
        RendererChoice::Glow => PickedRenderer {
            renderer: eframe::Renderer::Glow,
            adapter: None,
        },
        RendererChoice::Wgpu => PickedRenderer {
            renderer: eframe::Renderer::Wgpu,
            adapter: None,
        },
        RendererChoice::Auto if !gpu_device_present() => PickedRenderer {
            renderer: eframe::Renderer::Glow,
            adapter: None,
        },
        RendererChoice::Auto => {
            let adapter = wgpu_adapter();
            let renderer = match &adapter {
                Some(a) if !a.software => eframe::Renderer::Wgpu,
                _ => eframe::Renderer::Glow,
            };
            PickedRenderer { renderer, adapter }
        }
    }
}

/// Whether the kernel offers any GPU device to draw with: a DRM node (every
/// open driver, and NVIDIA's with its DRM module) or NVIDIA's own nodes.
/// Without one, every renderer of this machine is a CPU one. Elsewhere than
/// Linux the answer is always yes, and the adapter is asked.
fn gpu_device_present() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let drm = std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.filter_map(Result::ok).any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("renderD") || name.starts_with("card")
        })
    });
    drm || std::path::Path::new("/dev/nvidiactl").exists()
}

/// The adapter eframe's wgpu set-up would pick, without making a device.
fn wgpu_adapter() -> Option<AdapterSeen> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        // As egui-wgpu's default set-up: its backends, and the same
        // environment variables; no validation layers for a mere look.
        backends: wgpu::Backends::from_env()
            .unwrap_or(wgpu::Backends::PRIMARY | wgpu::Backends::GL),
        flags: wgpu::InstanceFlags::empty(),
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let options = wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::from_env()
            .unwrap_or(wgpu::PowerPreference::HighPerformance),
        ..Default::default()
    };
    let adapter = pollster::block_on(instance.request_adapter(&options)).ok()?;
    let info = adapter.get_info();
    let software = info.device_type == wgpu::DeviceType::Cpu || is_software_name(&info.name);
    Some(AdapterSeen {
        name: info.name,
        software,
    })
}

/// Whether an adapter or OpenGL renderer of this name draws on the CPU.
pub fn is_software_name(name: &str) -> bool {
    let name = name.to_lowercase();
    [
        "llvmpipe",
        "lavapipe",
        "softpipe",
        "swiftshader",
        "software rasterizer",
    ]
    .iter()
    .any(|n| name.contains(n))
}

/// Whether the window that opened is drawn by the CPU: asked of the renderer
/// eframe really made (wgpu's adapter, or OpenGL's `GL_RENDERER` string).
pub fn drawn_by_cpu(cc: &eframe::CreationContext<'_>) -> bool {
    if let Some(render) = &cc.wgpu_render_state {
        let info = render.adapter.get_info();
        return info.device_type == wgpu::DeviceType::Cpu || is_software_name(&info.name);
    }
    if let Some(gl) = &cc.gl {
        // SAFETY: eframe made this context current on this thread before
        // calling the app's creator; a string query needs nothing more.
        let name = unsafe { gl.get_parameter_string(glow::RENDERER) };
        return is_software_name(&name);
    }
    false
}

/// The renderer's name, as `--renderer` spells it.
pub fn renderer_name(renderer: eframe::Renderer) -> &'static str {
    match renderer {
        eframe::Renderer::Glow => "glow",
        eframe::Renderer::Wgpu => "wgpu",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_parse_in_any_case_and_bad_ones_are_named() {
        assert_eq!(RendererChoice::parse("GLOW"), Ok(RendererChoice::Glow));
        assert_eq!(RendererChoice::parse(" wgpu "), Ok(RendererChoice::Wgpu));
        assert_eq!(RendererChoice::parse("auto"), Ok(RendererChoice::Auto));
        let err = RendererChoice::parse("vulkan").unwrap_err();
        assert!(err.contains("vulkan") && err.contains("glow"), "{err}");
    }

    #[test]
    fn cpu_renderers_are_known_by_name() {
        assert!(is_software_name("llvmpipe (LLVM 15.0.6, 256 bits)"));
        assert!(is_software_name("lavapipe"));
        assert!(is_software_name("SwiftShader Device (Subzero)"));
        assert!(!is_software_name("NVIDIA GeForce RTX 3060"));
        assert!(!is_software_name("AMD Radeon Graphics (RADV RENOIR)"));
    }

    #[test]
    fn a_forced_renderer_is_taken_without_looking() {
        assert_eq!(
            pick_renderer(RendererChoice::Glow),
            PickedRenderer {
                renderer: eframe::Renderer::Glow,
                adapter: None
            }
        );
        assert_eq!(
            pick_renderer(RendererChoice::Wgpu).renderer,
            eframe::Renderer::Wgpu
        );
    }
}
